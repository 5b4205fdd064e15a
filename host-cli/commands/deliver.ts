// `amsgate deliver`: the state of every market submission (Axle readings, Volue reports, Elering messages) kept in
// the store by `amsgate export ... --submit`: sent, accepted, failed with its reason, or pending (not delivered
// yet: the next --submit of the same document sends it; an accepted one is never sent twice).
import type { Command } from 'commander';
import { ConfigError } from '../../drivers/errors.js';
import { withLedger } from '../dc/delivery/cli-delivery.js';
import type { DeliveryTarget, SubmissionState } from '../dc/delivery/submission-ledger.js';
import { printJson, table } from '../output.js';

const TARGETS: DeliveryTarget[] = ['axle', 'volue', 'elering', 'd0390'];
const STATES: SubmissionState[] = ['pending', 'sent', 'accepted', 'failed'];

interface ListOpts {
  db: string;
  target?: string;
  state?: string[];
  attempts?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const deliver = program
    .command('deliver')
    .description('Market submissions and their state (pending, sent, accepted, failed with reason), as kept in the store by export --submit')
    .addHelpText('after', `
Examples:
  amsgate export axle --db collector.sqlite --asset-map assets.json --gateway-config gw1.yaml --submit https://api.axle.energy --token-file axle.token
  amsgate deliver list --db collector.sqlite --state pending --state failed
  amsgate deliver list --db collector.sqlite --target elering --attempts --json

States: pending = not received by the service yet (network error or 5xx after every retry; resent by the next
--submit); sent = received, result not final (Elering PROCESSING); accepted; failed = refused by the service, with the
reason. docs/data-collector.md describes the tables.`);

  deliver
    .command('list')
    .description('List submissions, oldest first')
    .requiredOption('--db <path|url>', 'collector store (SQLite path or postgres:// URL)')
    .option('--target <t>', `only one target: ${TARGETS.join(', ')}`)
    .option('--state <s...>', `only these states: ${STATES.join(', ')}`)
    .option('--attempts', 'also every exchange with the service (document id, HTTP status, outcome)')
    .option('--json', 'print JSON')
    .action(async (o: ListOpts) => {
      if (o.target && !TARGETS.includes(o.target as DeliveryTarget)) throw new ConfigError('option', `--target "${o.target}": expected ${TARGETS.join(', ')}`);
      for (const s of o.state ?? []) if (!STATES.includes(s as SubmissionState)) throw new ConfigError('option', `--state "${s}": expected ${STATES.join(', ')}`);
      await withLedger(o.db, async (ledger) => {
        const subs = await ledger.list({ target: o.target as DeliveryTarget | undefined, states: o.state as SubmissionState[] | undefined });
        const rows = await Promise.all(subs.map(async (s) => {
          const { body: _body, ...rest } = s;
          return { ...rest, ...(o.attempts ? { exchanges: await ledger.attempts(s.submissionId) } : {}) };
        }));
        if (o.json) {
          printJson(rows);
          return;
        }
        process.stdout.write(`${table(['submission', 'target', 'state', 'tries', 'document', 'updated', 'subject / reason'],
          rows.map((r) => [r.submissionId, r.target, r.state, r.attempts, r.documentId ?? '-', new Date(r.updatedAt).toISOString(), `${r.subject}${r.reason ? ` -- ${r.reason}` : ''}`]))}\n`);
      });
    });
}
