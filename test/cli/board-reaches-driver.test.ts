// A UART meter's board profile from the configuration reaches its driver in `amsgate prove` and `amsgate commission`,
// as it does in the gateway: otherwise both would read a BL0942 with the default constants and prove the wrong energy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry, type CatalogEntry } from '../../drivers/catalog.js';
import { ManualClock } from '../../drivers/clock.js';
import { proveCommand } from '../../host-cli/commands/prove.js';
import { commissionCommand } from '../../host-cli/commands/commission.js';

const dir = mkdtempSync(join(tmpdir(), 'amsgate-board-'));
const BOARD = { profile: 'derived', pref: '601.5' };
const configFile = join(dir, 'gateway.json');
writeFileSync(
  configFile,
  JSON.stringify({
    deviceId: 'gw-board-1',
    meters: [
      {
        id: 'plug',
        model: 'bl0942',
        connection: { serial: join(dir, 'no-such-port') },
        serial: 'B1',
        amsid: { import: '2000000000015' },
        role: 'charger',
        phases: 1,
        ratedVoltageV: 230,
        ratedCurrentA: 5,
        maxCurrentA: 10,
        board: BOARD,
      },
    ],
    broker: { embedded: true },
    storePath: join(dir, 'data'),
  }),
);

/** Replaces the BL0942 entry's openDriver for the test: records the options it gets and refuses to open. */
const entry = catalogEntry('bl0942') as CatalogEntry;
const realOpen = entry.openDriver;
let seen: Parameters<CatalogEntry['openDriver']>[1][] = [];
class NotOpened extends Error {}
test.before.each(() => {
  seen = [];
  entry.openDriver = async (_conn, o) => {
    seen.push(o);
    throw new NotOpened('spy: not opened');
  };
});
test.after(() => {
  entry.openDriver = realOpen;
  rmSync(dir, { recursive: true, force: true });
});

test('prove opens the BL0942 with the configured board profile', async () => {
  const clock = new ManualClock(Date.parse('2026-01-15T17:00:00Z')); // before SP 37 (18:00Z): the live mode
  const err = await proveCommand({ config: configFile, period: '2026-01-15/37', channel: 'import', waitS: 1, pollS: 1 }, clock, () => {}).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(err, NotOpened);
  assert.is(seen.length, 1);
  assert.equal(seen[0]!.board, BOARD);
});

test('commission opens the BL0942 with the configured board profile', async () => {
  const clock = new ManualClock(Date.parse('2026-01-15T17:00:00Z'));
  const { record } = await commissionCommand({ config: configFile, out: join(dir, 'out'), integrateS: 1, sampleMs: 1000, timeoutS: 1 }, clock, () => {});
  assert.ok(seen.length >= 1, 'the driver was opened');
  for (const o of seen) assert.equal(o.board, BOARD);
  assert.match(JSON.stringify(record), /spy: not opened/);
});

test.run();
