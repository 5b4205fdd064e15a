// `amsgate dc mtd`: D0268-style technical details, the P0303 registration and CoP11/Fa rules, as JSON or CSV.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../../device/config/gateway-config.js';
import { systemClock } from '../../../drivers/clock.js';
import { ConfigError } from '../../../drivers/errors.js';
import type { CommissioningRecord } from '../../commissioning/commissioning-record.js';
import { parseDateOption } from '../../collector/registry.js';
import { printJson } from '../../output.js';
import { openDcDb } from '../dc-db.js';
import { issueTechnicalDetails } from './mtd-store.js';
import { provingRows } from './proving-state.js';
import { technicalDetailsCsv } from './technical-details.js';

function readRecord(path: string): CommissioningRecord {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as CommissioningRecord;
    if (j.type !== 'amsgate-commissioning') throw new Error(`type is "${String(j.type)}", expected "amsgate-commissioning"`);
    return j;
  } catch (e) {
    throw new ConfigError('option', `--commissioning ${path}: ${(e as Error).message}; expected the JSON record written by amsgate commission`);
  }
}

export function registerMtdCommand(dc: Command): void {
  dc.command('mtd')
    .description('Meter Technical Details (D0268 items), Asset Meter Registration (P0303) and CoP11/Fa loss rules from the commissioning record and gateway configuration')
    .requiredOption('--db <path|url>', 'collector store: versions are kept in dc_technical_details')
    .requiredOption('--commissioning <file>', 'the commissioning record (amsgate commission --out)')
    .requiredOption('--config <file>', 'the gateway configuration in force')
    .option('--amvlp-id <id>', 'AMVLP or Supplier Id for the P0303')
    .option('--outstation-type <t>', 'J0471 Outstation Type (3 characters, CoP Compliance and Protocol Approvals list)')
    .option('--at <time>', 'when a key field change took effect (default now)')
    .option('--format <f>', 'json or csv', 'json')
    .option('--out <file>', 'write the documents to FILE (default stdout)')
    .addHelpText('after', `
The first run issues version 0, effective from the commissioning date. A later run with changed key fields (serial,
outstation, channels, AMSIDs, CT/VT ratio, loss/pulse/calibration multipliers) issues a new version, closes the
previous registration (Effective to Date) and marks a proving test due (dc_proving_tests) until amsgate prove
--collector-db records a pass. Field names are the data items they fill; docs/data-collector.md lists them.`)
    .action(async (o: { db: string; commissioning: string; config: string; amvlpId?: string; outstationType?: string; at?: string; format: string; out?: string }) => {
      if (o.format !== 'json' && o.format !== 'csv') throw new ConfigError('option', `--format "${o.format}": expected json or csv`);
      if (o.outstationType !== undefined && !/^[A-Z0-9]{3}$/.test(o.outstationType)) throw new ConfigError('option', `--outstation-type "${o.outstationType}": expected the 3-character J0471 code`);
      const rec = readRecord(o.commissioning);
      const cfg = loadConfig(o.config);
      if (rec.deviceId !== null && rec.deviceId !== cfg.deviceId) throw new ConfigError('option', `the commissioning record is for ${rec.deviceId} but the configuration is for ${cfg.deviceId}`);
      const atMs = o.at ? parseDateOption(o.at, '--at') : systemClock.now();
      const db = await openDcDb(o.db);
      try {
        const versions = await issueTechnicalDetails(db, rec, cfg, { amvlpId: o.amvlpId ?? null, outstationType: o.outstationType ?? null, atMs });
        const due = (await provingRows(db, cfg.deviceId)).filter((r) => r.state === 'due');
        const text = o.format === 'csv' ? technicalDetailsCsv(versions.map((v) => v.details)) : `${JSON.stringify(versions.map((v) => ({ version: v.version, change: v.change, changedFields: v.changedFields, provingTestDue: due.some((d) => d.meter === v.details.meter), ...v.details })), null, 2)}\n`;
        if (o.out) {
          writeFileSync(o.out, text);
          printJson(versions.map((v) => ({ meter: v.details.meter, version: v.version, change: v.change, changedFields: v.changedFields, provingTestDue: due.some((d) => d.meter === v.details.meter) })));
        } else process.stdout.write(text);
      } finally {
        await db.close();
      }
    });
}
