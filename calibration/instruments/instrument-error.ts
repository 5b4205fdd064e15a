// Errors of the bench's instruments. Both are exit 3 (device/bus unreachable or answering wrongly), never
// exit 1, which means the device under test failed.
import { TransportError } from '../../drivers/errors.js';

/** An instrument refused a command (ERR reply) or answered something that is not the expected reply. */
export class InstrumentError extends TransportError {}

/** Switching the source output off failed: the terminals may still be live. */
export class OutputLiveError extends TransportError {}
