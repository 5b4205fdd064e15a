// uvu 0.5 has no assert.rejects: this resolves with the error a promise rejected with, or fails the test.
import * as assert from 'uvu/assert';

export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.unreachable('expected the promise to reject');
  throw new Error('unreachable');
}
