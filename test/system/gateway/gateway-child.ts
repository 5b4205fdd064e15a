// Entry of the gateway child process in system tests: only `amsgate run`, bundled once per test run so that
// a restart costs Node's start-up and not a TypeScript transform of the whole CLI.
// AMSGATE_TEST_STORE_MAX_PAGES (test only): the store's connection gets SQLite's max_page_count, so a test can fill
// the file from outside and make every write that needs a new page fail, where a small file system cannot be mounted.
import { Command } from 'commander';
import { register } from '../../../host-cli/commands/run.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';

const maxPages = process.env.AMSGATE_TEST_STORE_MAX_PAGES;
if (maxPages) {
  const open = GatewayStore.open.bind(GatewayStore);
  GatewayStore.open = (path, opts) => {
    const s = open(path, opts);
    s.db.pragma(`max_page_count = ${Number(maxPages)}`);
    return s;
  };
}

const program = new Command('amsgate');
register(program);
await program.parseAsync(process.argv);
