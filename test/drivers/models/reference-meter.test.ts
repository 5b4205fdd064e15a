// Every Modbus driver against the independent reference meter (bench/reference/pymodbus_meter.py, python3-pymodbus,
// registers from the datasheet layouts in Python): over a simulated hour at three loads the register advance agrees
// with the reference's exact energy and the polled power with its power (the rule of bench/energy-agreement.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catalog } from '../../../drivers/catalog.js';
import { referenceAgreement } from '../../../bench/reference/reference-agreement.js';

for (const entry of catalog.values()) {
  if (entry.transport !== 'modbus') continue;
  test(`${entry.id} agrees with the pymodbus reference meter at three loads`, async () => {
    const rows = await referenceAgreement(entry, 3_600_000, 6);
    assert.is(rows.length, 3);
    for (const r of rows) {
      assert.ok(
        r.ok,
        `${r.model} ${r.load}: register ${r.registerWh} Wh vs reference ${r.truthWh} Wh (resolution ${r.resolutionWh}); P ${r.polledW} vs ${r.truthW} W`,
      );
      // Power is encoded exactly at these loads: the driver must read the reference's value, not a scaled one.
      assert.ok(Math.abs(r.powerDiffFraction) < 1e-6, `${r.model} ${r.load}: power ${r.polledW} W vs ${r.truthW} W`);
    }
  });
}

test.run();
