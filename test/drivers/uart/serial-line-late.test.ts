// A reply that comes after its read timed out must not be taken for the next request's answer: the line drops it
// before the next request goes out (a loaded machine, or a slow chip). Two real ptys: "chip" answers by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialLine } from '../../../drivers/uart/serial-line.js';
import { TimeoutError } from '../../../drivers/errors.js';
import { openPtyPair } from '../../helpers/pty-pair.js';
import { waitFor } from '../../helpers/wait-for.js';

const LINE = { baud: 4800, parity: 'none', dataBits: 8, stopBits: 1 } as const;

test('a reply after the timeout is dropped before the next request; the next reply is the one read', async () => {
  const pair = await openPtyPair();
  const host = await SerialLine.open({ path: pair.a, ...LINE });
  const chip = await SerialLine.open({ path: pair.b, ...LINE });
  try {
    await host.write(Uint8Array.of(0x01));
    const err = await host.read(3, 60).then(() => null, (e: unknown) => e);
    assert.instance(err, TimeoutError);
    // The late answer to request 1 arrives after the timeout, before request 2.
    await chip.write(Uint8Array.of(0xa1, 0xa1, 0xa1));
    await waitFor(() => host.buffered === 3, 'the late reply on the host side');
    const reply2 = (async () => {
      await waitFor(() => chip.buffered === 2, 'request 2 at the chip');
      await chip.write(Uint8Array.of(0xb2, 0xb2, 0xb2));
    })();
    await host.write(Uint8Array.of(0x02));
    // The chip saw request 1 and request 2 (one byte each) only after the late window.
    assert.equal([...(await host.read(3, 2000))], [0xb2, 0xb2, 0xb2]);
    await reply2;
  } finally {
    await host.close();
    await chip.close();
    await pair.close();
  }
});

test('without a timeout in between, nothing is dropped', async () => {
  const pair = await openPtyPair();
  const host = await SerialLine.open({ path: pair.a, ...LINE });
  const chip = await SerialLine.open({ path: pair.b, ...LINE });
  try {
    await chip.write(Uint8Array.of(0xc3, 0xc3));
    await waitFor(() => host.buffered === 2, 'unsolicited bytes at the host');
    await host.write(Uint8Array.of(0x03));
    assert.equal([...(await host.read(2, 500))], [0xc3, 0xc3]);
  } finally {
    await host.close();
    await chip.close();
    await pair.close();
  }
});

test.run();
