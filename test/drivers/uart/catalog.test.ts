import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { systemClock } from '../../../drivers/clock.js';
import { ConfigError } from '../../../drivers/errors.js';
import { uartCatalogEntries } from '../../../drivers/uart/catalog-entries.js';
import { openPtyRig } from '../../helpers/pty-rig.js';
import { rejection } from './reject.js';

test('catalog has the four serial-only entries and refuses TCP with a ConfigError', async () => {
  assert.equal(uartCatalogEntries.map((e) => e.id), ['bl0942', 'cse7766', 'atm90e26', 'iec62056']);
  for (const e of uartCatalogEntries) {
    const err = await rejection(e.openDriver({ tcp: '127.0.0.1:1502' }, { clock: systemClock }));
    assert.instance(err, ConfigError, e.id);
    assert.match(err.message, /serial/);
    const err2 = await rejection(e.startSimulator({ listen: { tcp: '127.0.0.1:1502' }, clock: systemClock, profile: 'constant' }));
    assert.instance(err2, ConfigError, e.id);
  }
});

test('each catalog simulator and driver talk over a pty', async () => {
  for (const e of uartCatalogEntries) {
    const { sim, drv, close } = await openPtyRig(
      (b) => e.startSimulator({ listen: { serial: b }, clock: systemClock, profile: 'constant', ratingW: 500, wireTiming: e.id !== 'iec62056' }),
      (a) => e.openDriver({ serial: a }, { clock: systemClock }),
    );
    try {
      const s = await drv.sample();
      assert.ok(Math.abs(s.instant.powerW! - 500) < 5, `${e.id}: P = ${s.instant.powerW}`);
      // The BL0942 has one counter for both directions; the others an import register.
      assert.ok(e.id === 'bl0942' ? s.absoluteEnergy && !s.energy.import : s.energy.import, `${e.id}: energy register`);
      assert.is(drv.modelId, e.id);
    } finally {
      await close();
    }
  }
});

test('a simulator given a path that does not exist creates its own pty pair there', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-uart-'));
  const e = uartCatalogEntries.find((x) => x.id === 'bl0942')!;
  const sim = await e.startSimulator({ listen: { serial: join(dir, 'bl0942') }, clock: systemClock, profile: 'constant', ratingW: 100 });
  const drv = await e.openDriver({ serial: sim.address }, { clock: systemClock });
  try {
    assert.ok((await drv.sample()).instant.powerW! > 90);
  } finally {
    await drv.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
