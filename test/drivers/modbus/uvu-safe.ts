// uvu's reporter calls err.details.split(): an AmsgateError (whose details is an object) thrown out of
// a test crashes the reporter and the failure is counted without a message. Re-throw those as plain Errors.
import { test as uvuTest } from 'uvu';
import { AmsgateError } from '../../../drivers/errors.js';

export function test(name: string, fn: () => unknown | Promise<unknown>): void {
  uvuTest(name, async () => {
    try {
      await fn();
    } catch (e) {
      if (e instanceof AmsgateError) throw new Error(`${e.name} [${e.code}]: ${e.message}`);
      throw e;
    }
  });
}
test.run = (): void => uvuTest.run();
