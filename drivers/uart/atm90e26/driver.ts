// ATM90E26 driver: reads the read-and-clear energy registers and accumulates them into monotonically
// increasing bigint counts (accumulatedByDriver). The accumulation lives in this process: after a driver
// restart it starts again at 0, which the runtime treats as a register reset with its value carried.
import type { Clock } from '../../clock.js';
import type { ConnectionSpec } from '../../catalog.js';
import { AmsgateError } from '../../errors.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../../meter-driver.js';
import { ATM90E26_BOARDS, atm90e26WhPerCount, type Atm90e26Board } from './board.js';
import { Atm90e26Client, type Atm90e26ClientOptions } from './client.js';
import {
  ATM90E26_REG,
  atm90e26Amps,
  atm90e26Hertz,
  atm90e26PowerFactor,
  atm90e26Volts,
  atm90e26Watts,
} from './registers.js';

export interface Atm90e26DriverOptions extends Atm90e26ClientOptions {
  clock: Clock;
  board?: Atm90e26Board;
}

export class Atm90e26Driver implements MeterDriver {
  readonly modelId = 'atm90e26';
  private importCounts = 0n;
  private exportCounts = 0n;
  private reported = { frameErrors: 0, retries: 0 };
  private pendingLastData: 'import' | 'export' | null = null;

  constructor(readonly client: Atm90e26Client, private readonly o: Atm90e26DriverOptions) {}

  static async open(conn: ConnectionSpec, o: Atm90e26DriverOptions): Promise<Atm90e26Driver> {
    return new Atm90e26Driver(await Atm90e26Client.open(conn, o), o);
  }

  async sample(): Promise<MeterSample> {
    const c = this.client;
    if (this.pendingLastData) {
      // A previous sample lost the reply of a read-and-clear and could not read LastData either.
      const v = BigInt(await c.readRegister(ATM90E26_REG.LastData));
      if (this.pendingLastData === 'import') this.importCounts += v;
      else this.exportCounts += v;
      this.pendingLastData = null;
    }
    // Energy first, and added at once: a failure later in the sample loses nothing.
    this.importCounts += BigInt(await this.readEnergy(ATM90E26_REG.APenergy, 'import'));
    this.exportCounts += BigInt(await this.readEnergy(ATM90E26_REG.ANenergy, 'export'));
    // The reading's time: the last energy reply has just arrived; the five instantaneous reads after it do not count.
    const at = this.o.clock.now();
    const urms = await c.readRegister(ATM90E26_REG.Urms);
    const irms = await c.readRegister(ATM90E26_REG.Irms);
    const pmean = await c.readRegister(ATM90E26_REG.Pmean);
    const freq = await c.readRegister(ATM90E26_REG.Freq);
    const pf = await c.readRegister(ATM90E26_REG.PowerF);
    const whPerCount = atm90e26WhPerCount(this.o.board ?? ATM90E26_BOARDS.default!);
    const frameErrors = c.stats.frameErrors - this.reported.frameErrors;
    const retries = c.stats.retries - this.reported.retries;
    this.reported = { frameErrors: c.stats.frameErrors, retries: c.stats.retries };
    const powerW = atm90e26Watts(pmean);
    return {
      at,
      energy: {
        import: { value: this.importCounts, whPerCount, counterBits: null, floatUlpWh: null, accumulatedByDriver: true },
        export: { value: this.exportCounts, whPerCount, counterBits: null, floatUlpWh: null, accumulatedByDriver: true },
      },
      instant: {
        voltageV: [atm90e26Volts(urms)],
        currentA: [atm90e26Amps(irms)],
        powerW,
        phasePowerW: [powerW],
        powerFactor: atm90e26PowerFactor(pf),
        frequencyHz: atm90e26Hertz(freq),
      },
      frameErrors,
      retries,
    };
  }

  private async readEnergy(reg: number, which: 'import' | 'export'): Promise<number> {
    try {
      return await this.client.readAndClear(reg);
    } catch (e) {
      if (e instanceof AmsgateError && e.context.lastDataPending) this.pendingLastData = which;
      throw e;
    }
  }

  async identify(): Promise<MeterIdentity> {
    const status = await this.client.readRegister(ATM90E26_REG.SysStatus);
    return { vendor: 'Microchip (Atmel)', model: 'ATM90E26', firmware: `SysStatus 0x${status.toString(16).padStart(4, '0')}` };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
