// Signature failures carry a machine-readable reason so that a verifier can report and count them.
import { AmsgateError } from '../../drivers/errors.js';

export type SignatureFailure = 'malformed' | 'unsupported-alg' | 'bad-signature';

/** A JWS could not be parsed, uses an algorithm we do not accept, or its signature does not verify. */
export class SignatureError extends AmsgateError {
  constructor(
    readonly reason: SignatureFailure,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`signature-${reason}`, message, { ...details, reason });
  }
}
