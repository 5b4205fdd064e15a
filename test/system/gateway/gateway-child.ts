// Entry of the gateway child process in system tests and benches: only `amsgate run`, bundled once per test run so
// that a restart costs Node's start-up and not a TypeScript transform of the whole CLI. It loads `run` through the
// command registry, as the installed command does, so the gateway's V8 settings (host-cli/gateway-v8.ts) apply.
// AMSGATE_TEST_STORE_MAX_PAGES (test only): the store's connection gets SQLite's max_page_count, so a test can fill
// the file from outside and make every write that needs a new page fail, where a small file system cannot be mounted.
import { Command } from 'commander';
import { commandNamed } from '../../../host-cli/command-registry.js';
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
(await commandNamed(['run'])!.load()).register(program);
await program.parseAsync(process.argv);
