// An exporter refuses data its target format cannot represent, rather than clamping or dropping it.
import { AmsgateError } from '../../drivers/errors.js';

export class ExportRefused extends AmsgateError {
  constructor(format: string, message: string, details: Record<string, unknown> = {}) {
    super('export-refused', `${format}: ${message}`, { format, ...details });
  }
}
