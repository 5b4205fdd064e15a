// The simulated reference standard's command interpreter.
import { SCPI_ERR, errReply, fmt, parseScpiLine } from '../instruments/scpi-commands.js';
import type { ReferenceModel } from './reference-model.js';

export class ReferenceCommandHandler {
  private lastError = '0,No error';
  constructor(
    private readonly model: ReferenceModel,
    private readonly identity = 'AMSGATE,REF-SIM,0001,1.0',
  ) {}

  handle(text: string): string | null {
    const c = parseScpiLine(text);
    if (!c) return null;
    switch (`${c.header}${c.query ? '?' : ''}`) {
      case '*IDN?':
        return this.identity;
      case '*RST':
      case 'ENER:RES':
        this.model.reset();
        return 'OK';
      case 'MEAS:ENER?':
        return fmt(this.model.energyWh());
      case 'MEAS:VOLT?':
        return fmt(this.model.rms().voltageV);
      case 'MEAS:CURR?':
        return fmt(this.model.rms().currentA);
      case 'MEAS:POW?':
        return fmt(this.model.powerW());
      case 'MEAS:PULS?':
        if (!this.model.hasPulseInput()) return errReply(SCPI_ERR.settingsConflict, 'no pulse input connected');
        return String(this.model.pulses());
      case 'MEAS:TEMP?':
        return fmt(this.model.ambient().temperatureC);
      case 'MEAS:HUM?':
        return fmt(this.model.ambient().humidityPct);
      case 'SYST:ACC?':
        return fmt(this.model.accuracyPct);
      case 'SYST:ERR?': {
        const e = this.lastError;
        this.lastError = '0,No error';
        return e;
      }
      default:
        this.lastError = `${SCPI_ERR.undefinedHeader},unknown command ${c.header}`;
        return errReply(SCPI_ERR.undefinedHeader, `unknown command ${c.header}${c.query ? '?' : ''}`);
    }
  }
}
