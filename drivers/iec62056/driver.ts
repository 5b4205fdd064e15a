// A MeterDriver over IEC 62056-21 mode C readouts: one complete readout per sample; OBIS 1.8.0 and 2.8.0
// become exact integer counts at the resolution the meter prints.
import type { Clock } from '../clock.js';
import type { ConnectionSpec } from '../catalog.js';
import { AmsgateError, FrameError, TimeoutError } from '../errors.js';
import type { EnergyRegister, MeterDriver, MeterIdentity, MeterSample } from '../meter-driver.js';
import { Iec62056Client, type Iec62056ClientOptions, type ReadoutResult } from './client.js';
import { energyCounts, findDataSet, numericValue, type Readout } from './data-block.js';
import { currentRegister } from './obis.js';

export interface Iec62056DriverOptions extends Iec62056ClientOptions {
  clock: Clock;
  /** Extra readouts after a rejected or missing one. */
  retries?: number;
  /** OBIS group B to read when the meter prints several channels with different values. */
  channel?: number;
}

/** The current register for `core`: never a billing-period value (1.8.0*12) nor a tariff (1.8.1). */
function energyOf(r: Readout, core: string, channel?: number): EnergyRegister | undefined {
  const d = currentRegister(r, core, channel);
  if (!d || !d.values[0]) return undefined;
  const { value, whPerCount } = energyCounts(d.values[0]);
  // A printed register rolls over at 10^digits, which is not a binary width: counterBits stays null.
  return { value, whPerCount, counterBits: null, floatUlpWh: null };
}

/** Instantaneous values from the usual OBIS codes (per phase 32/52/72 V, 31/51/71 A; 16.7.0 kW; 14.7.0 Hz; 13.7.0 PF). */
export function instantOf(r: Readout): MeterSample['instant'] {
  const pick = (codes: string[]) => codes.map((c) => numericValue(findDataSet(r, c))).filter((x): x is number => x !== undefined);
  const v = pick(['32.7.0', '52.7.0', '72.7.0']);
  const i = pick(['31.7.0', '51.7.0', '71.7.0']);
  const pSet = findDataSet(r, '16.7.0');
  const p = numericValue(pSet);
  const unit = pSet?.values[0]?.unit;
  const out: MeterSample['instant'] = {};
  if (v.length) out.voltageV = v;
  if (i.length) out.currentA = i;
  if (p !== undefined) out.powerW = unit === 'W' ? p : p * 1000;
  const f = numericValue(findDataSet(r, '14.7.0'));
  if (f !== undefined) out.frequencyHz = f;
  const pf = numericValue(findDataSet(r, '13.7.0'));
  if (pf !== undefined) out.powerFactor = pf;
  return out;
}

export class Iec62056Driver implements MeterDriver {
  readonly modelId = 'iec62056';
  private last: ReadoutResult | null = null;

  constructor(readonly client: Iec62056Client, private readonly o: Iec62056DriverOptions) {}

  static async open(conn: ConnectionSpec, o: Iec62056DriverOptions): Promise<Iec62056Driver> {
    return new Iec62056Driver(await Iec62056Client.open(conn, o), o);
  }

  private async readoutWithRetries(): Promise<{ r: ReadoutResult; frameErrors: number; retries: number }> {
    let frameErrors = 0;
    let last: AmsgateError | null = null;
    const attempts = 1 + (this.o.retries ?? 1);
    for (let i = 0; i < attempts; i++) {
      try {
        const r = await this.client.readout();
        this.last = r;
        return { r, frameErrors, retries: i };
      } catch (e) {
        if (e instanceof FrameError) frameErrors++;
        else if (!(e instanceof TimeoutError)) throw e;
        last = e;
        // The meter drops back to its idle state after an error; give it a moment before a new sign-on.
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    last!.context.frameErrors = frameErrors;
    throw last!;
  }

  async sample(): Promise<MeterSample> {
    const { r, frameErrors, retries } = await this.readoutWithRetries();
    const energy: MeterSample['energy'] = {};
    const imp = energyOf(r.readout, '1.8.0', this.o.channel);
    const exp = energyOf(r.readout, '2.8.0', this.o.channel);
    if (imp) energy.import = imp;
    if (exp) energy.export = exp;
    if (!imp && !exp) {
      throw new FrameError('no-energy', 'IEC 62056-21 readout has neither a current 1.8.0 nor 2.8.0 (billing-period values such as 1.8.0*12 and tariffs 1.8.1/1.8.2 do not count); expected at least one current energy register');
    }
    return { at: this.o.clock.now(), energy, instant: instantOf(r.readout), frameErrors, retries };
  }

  async identify(): Promise<MeterIdentity> {
    const r = this.last ?? (await this.readoutWithRetries()).r;
    const serial = findDataSet(r.readout, '0.0.0')?.values[0]?.value || findDataSet(r.readout, 'C.1.0')?.values[0]?.value; // 0.0.0() is often empty
    return { vendor: r.identification.manufacturer, model: r.identification.ident, ...(serial ? { serial } : {}) };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
