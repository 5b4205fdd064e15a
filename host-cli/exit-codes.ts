// Stable exit codes of the `amsgate` command (documented in README and `amsgate --help`).
export const EXIT = {
  ok: 0,
  /** A check, verification, test point or proving test failed. */
  failed: 1,
  /** Bad usage, or a configuration that cannot be right. */
  usage: 2,
  /** The device, bus or service could not be reached or answered wrongly. */
  comms: 3,
  /** An unexpected internal error (a bug: please report it). */
  internal: 4,
} as const;
