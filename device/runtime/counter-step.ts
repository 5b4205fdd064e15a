// One channel's register step: counter extension bounded by what Imax allows in the elapsed time, and the
// alarms its event raises (reset, implausible advance, decrease).
import type { MeterSample, EnergyRegister } from '../../drivers/meter-driver.js';
import type { MeterConfig } from '../config/gateway-config.js';
import { extendCounter, type ExtendResult } from '../settlement/counter-extension.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { ChannelRt } from './meter-channels.js';
import { maxPlausibleAdvance } from './plausible-advance.js';

export function stepCounter(m: MeterConfig, ch: ChannelRt, reg: EnergyRegister, s: MeterSample, nowMs: number, alarms: AlarmManager): ExtendResult {
  const opts = ch.counter && ch.counterAtMs !== null
    ? { maxPlausibleAdvance: maxPlausibleAdvance(s.at - ch.counterAtMs, m, reg.whPerCount) }
    : {};
  const ext = extendCounter(ch.counter, reg.value, reg.counterBits, opts);
  if (ext.event === 'reset') {
    alarms.pulse('counter-reset', m.id, `${ch.channel} register went from ${ch.counter?.lastRaw} to ${reg.value} counts: reset or meter replaced`, s.at, s.at, nowMs);
  } else if (ext.event === 'implausible-advance') {
    alarms.pulse('implausible-advance', m.id, `${ch.channel} register went forward ${ext.advance} counts in ${s.at - (ch.counterAtMs ?? s.at)} ms, more than Imax on every phase allows: counted in full, interval flagged for validation`, s.at, s.at, nowMs);
  } else if (ext.event === 'decrease') {
    alarms.raise('counter-decrease', m.id, `${ch.channel} register stepped back from ${ch.counter?.lastRaw} to ${reg.value} counts`, s.at, nowMs);
  } else if (ext.advance > 0n) {
    alarms.clear('counter-decrease', m.id, `${ch.channel} register advancing again`, s.at, nowMs);
  }
  return ext;
}
