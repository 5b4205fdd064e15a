// A UART meter whose energy counter could wrap (or whose read-and-clear register could fill) more than once between
// polls at the meter's maximum power loses energy without trace: the configuration refuses it, naming the largest
// poll interval that is safe (drivers/uart/poll-interval.ts: one missed poll tolerated; docs/uart-chips.md).
import { AmsgateError } from '../../drivers/errors.js';
import { maxPollIntervalMs } from '../../drivers/uart/poll-interval.js';
import type { GatewayConfig } from './gateway-config.js';

type Bad = (path: string, what: string, fix: string) => void;
type Meter = GatewayConfig['meters'][number];

/** Maximum power the chip can see: Imax x rated voltage x phases (the rating plate's values). */
export const maxPowerW = (m: Pick<Meter, 'maxCurrentA' | 'ratedVoltageV' | 'phases'>): number => m.maxCurrentA * m.ratedVoltageV * m.phases;

export function checkPollInterval(m: Meter, at: string, pollIntervalMs: number, bad: Bad): void {
  let limit: number | null;
  try {
    limit = maxPollIntervalMs(m.model, m.board, maxPowerW(m));
  } catch (e) {
    if (!(e instanceof AmsgateError)) throw e;
    bad(`${at}.board`, e.message, 'name a known board profile and only its fields (docs/uart-chips.md "Board profiles")');
    return;
  }
  if (limit === null || pollIntervalMs <= limit) return;
  const p = maxPowerW(m);
  bad(
    'pollIntervalMs',
    `${pollIntervalMs} ms is too long for ${at} (${m.model}): at its maximum power ${p} W (${m.maxCurrentA} A x ${m.ratedVoltageV} V x ${m.phases}) ` +
      `its energy counter wraps so fast that one missed poll would lose a whole wrap`,
    `poll at most every ${limit} ms (the maximum allowed for this meter), e.g. a divisor of 30 minutes such as ${largestDivisor(limit)} ms`,
  );
}

/** The largest poll interval <= limit that divides a 30-minute period (whole ms), for the fix text. */
function largestDivisor(limit: number): number {
  const period = 1_800_000;
  for (let d = Math.min(limit, period); d > 1; d--) if (period % d === 0) return d;
  return 1;
}
