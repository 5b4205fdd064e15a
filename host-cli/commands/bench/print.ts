// Text output of the bench: the results table and the progress bar.
import { SingleBar } from 'cli-progress';
import { table } from '../../output.js';
import type { Plan } from '../../../calibration/plan/plan-schema.js';
import type { ProgressEvent, RunResult } from '../../../calibration/run/run-plan.js';
import { pct } from './common.js';

export function pointsTable(plan: Plan, r: { points: RunResult['points'] }): string {
  const byId = new Map(plan.points.map((p) => [p.id, p]));
  return table(
    ['point', 'I (A)', 'U (V)', 'PF', 'f (Hz)', 'n', 't (s)', 'error %', 's %', 'U %', 'k', 'limit %', 'verdict'],
    r.points.map((row) => {
      const p = byId.get(row.pointId)!;
      return [
        row.pointId,
        p.currentA,
        p.voltageV,
        (p.pfKind === 'dc' ? 'dc' : p.pfKind === 'unity' ? '1' : `${p.pf} ${p.pfKind}`) + (p.direction === 'export' ? ' exp' : ''),
        p.frequencyHz ?? '-',
        row.n,
        row.durationS,
        pct(row.meanErrorPct),
        row.stdDevPct.toFixed(3),
        row.expandedPct.toFixed(3),
        row.k.toFixed(2),
        `+-${row.limitPct}`,
        row.verdict.toUpperCase(),
      ];
    }),
  );
}

export function progressBar(enabled: boolean): { onProgress?: (e: ProgressEvent) => void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { stop() {} };
  const bar = new SingleBar(
    {
      format: 'point {point} ({index}/{count}) rep {rep}/{reps} |{bar}| {percentage}% | bench time left {left} | last {last}',
      stream: process.stderr,
      hideCursor: true,
    },
  );
  let started = false;
  return {
    onProgress(e) {
      const total = e.pointCount * (e.reps + 1);
      const value = e.pointIndex * (e.reps + 1) + (e.phase === 'settle' ? 0 : e.rep + (e.phase === 'done' || e.phase === 'skipped' ? 1 : 0));
      const left = `${Math.floor(e.secondsLeft / 3600)}h${String(Math.floor((e.secondsLeft % 3600) / 60)).padStart(2, '0')}m${String(Math.floor(e.secondsLeft % 60)).padStart(2, '0')}s`;
      const payload = { point: e.pointId, index: e.pointIndex + 1, count: e.pointCount, rep: e.rep, reps: e.reps, left, last: e.lastErrorPct === undefined ? '-' : `${pct(e.lastErrorPct)} %` };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
