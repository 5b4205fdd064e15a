// Every failure the drivers can raise is a named error with a stable code, so that callers and the
// fuzz harness can tell "the codec rejected this input" from "the code crashed".
export class AmsgateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    // Not named `details`: uvu's reporter treats an error's `details` as a string and crashes on an object.
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A frame or message on the wire was malformed: bad header, length, checksum or content. */
export class FrameError extends AmsgateError {}

/** The device did not answer in time. */
export class TimeoutError extends AmsgateError {}

/** The device answered with a protocol-level refusal (e.g. a Modbus exception response). */
export class DeviceError extends AmsgateError {}

/** A configuration or definition cannot be right; the message names the field and the fix. */
export class ConfigError extends AmsgateError {}

/** A transport is closed, unreachable or failed below the protocol. */
export class TransportError extends AmsgateError {}
