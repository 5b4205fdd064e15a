// One commissioning run started from the console: the checks of `amsgate commission` (host-cli/commissioning,
// the one implementation) against the gateway's own live meters. Each question the run asks waits for the
// installer to answer it in a form; the signed record (JSON, JWS, HTML) is kept for download and written to
// <storePath>/commissioning/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFieldsOf } from '../config/gateway-config.js';
import { signCompact } from '../signing/jws.js';
import type { AnswerSource, Question } from '../../host-cli/commissioning/answers.js';
import { runCommissioning } from '../../host-cli/commissioning/commission-run.js';
import type { CommissioningRecord } from '../../host-cli/commissioning/commissioning-record.js';
import { renderHtml } from '../../host-cli/commissioning/html-report.js';
import { probeOptions } from '../../host-cli/commissioning/probe-options.js';
import { COMMISSIONING_JWS_TYPE } from '../../host-cli/commands/commission.js';
import type { ConsoleContext } from './console-context.js';
import { liveDriver } from './live-driver.js';

export interface JobFiles {
  json: string;
  jws: string;
  html: string;
  name: string;
}

export class CommissionJob {
  state: 'running' | 'done' | 'error' = 'running';
  readonly log: string[] = [];
  pending: { q: Question; answer: (a: string | null) => void } | null = null;
  record: CommissioningRecord | null = null;
  files: JobFiles | null = null;
  error: string | null = null;

  constructor(x: ConsoleContext, integrateS: number) {
    void this.run(x, integrateS);
  }

  /** Gives the answer to the question the run is waiting on; false when that is not the question asked. */
  answer(id: string, value: string | null): boolean {
    if (!this.pending || this.pending.q.id !== id) return false;
    const p = this.pending;
    this.pending = null;
    this.log.push(`? ${p.q.text} ${value ?? '(no answer)'}`);
    p.answer(value);
    return true;
  }

  private answers(): AnswerSource {
    return {
      ask: (q) => new Promise((resolve) => (this.pending = { q, answer: resolve })),
      say: (t) => void this.log.push(t),
      close: () => {},
    };
  }

  private async run(x: ConsoleContext, integrateS: number): Promise<void> {
    const cfg = x.cfg;
    try {
      // A live read waits for the gateway's next poll: allow three polls of gateway time, at least 5 s real.
      const wait = Math.max(5000, 3 * cfg.pollIntervalMs);
      const record = await runCommissioning({
        deviceId: cfg.deviceId,
        meters: cfg.meters,
        keyFields: keyFieldsOf(cfg),
        clock: x.clock,
        openDriver: async (m) => liveDriver(x.feed, () => x.gateway.identifyMeter(m.id), m.id, m.model, wait),
        broker: x.brokerUrl ? { url: x.brokerUrl, options: cfg.broker.embedded ? {} : probeOptions(cfg.deviceId, cfg.broker) } : null,
        publicKey: x.key.publicKey,
        kid: x.key.kid,
        publicJwk: x.key.publicJwk,
        answers: this.answers(),
        integrateMs: integrateS * 1000,
        sampleMs: cfg.pollIntervalMs,
        mqttTimeoutMs: 15_000,
      });
      const jws = signCompact(record, x.key, COMMISSIONING_JWS_TYPE);
      const stamp = record.commissionedAt.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z');
      const name = `commissioning-${cfg.deviceId}-${stamp}`;
      this.files = { json: `${JSON.stringify(record, null, 2)}\n`, jws: `${jws}\n`, html: renderHtml(record, jws), name };
      const dir = join(cfg.storePath, 'commissioning');
      mkdirSync(dir, { recursive: true });
      for (const ext of ['json', 'jws', 'html'] as const) writeFileSync(join(dir, `${name}.${ext}`), this.files[ext]);
      this.record = record;
      this.state = 'done';
    } catch (err) {
      this.error = (err as Error).message;
      this.state = 'error';
    }
  }
}
