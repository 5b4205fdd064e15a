import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromB64url } from '../../../device/signing/base64url.js';

test('fromB64url decodes canonical unpadded base64url (RFC 4648 section 5 test vectors)', () => {
  const vectors: [string, string][] = [['', ''], ['Zg', 'f'], ['Zm8', 'fo'], ['Zm9v', 'foo'], ['Zm9vYg', 'foob'], ['Zm9vYmE', 'fooba'], ['Zm9vYmFy', 'foobar']];
  for (const [text, plain] of vectors) assert.is(fromB64url(text)?.toString('latin1'), plain, text);
  assert.equal([...fromB64url('-_8')!], [0xfb, 0xff]);
});

test('fromB64url refuses padding, other characters, a 4n+1 length and non-zero spare bits', () => {
  for (const bad of ['Zg==', 'Zm9v YmFy', 'Zm9v+mFy', 'Zm9v/mFy', 'Zm9vY', 'Zh', 'Zm9', 'Zm-', 'AB', 'AAB']) assert.is(fromB64url(bad), null, bad);
  assert.ok(fromB64url('Zm8')); // 'Zm8' ends in '8' (60 = 0b111100): spare bits zero
});

test('fromB64url accepts exactly the texts that Node re-encodes to themselves (every 2- and 3-character text)', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let accepted = 0;
  for (const a of alphabet) {
    for (const b of alphabet) {
      const two = `${a}${b}`;
      const expectTwo = Buffer.from(two, 'base64url').toString('base64url') === two;
      assert.is(fromB64url(two) !== null, expectTwo, two);
      for (const c of 'AQgw_-9') {
        const three = `${a}${b}${c}`;
        assert.is(fromB64url(three) !== null, Buffer.from(three, 'base64url').toString('base64url') === three, three);
      }
      if (expectTwo) accepted++;
    }
  }
  assert.is(accepted, 64 * 4); // 4 of the 64 last characters leave the 4 spare bits zero
});

test.run();
