// IEC 62056-21 block check character (standards.md §5, [V-code] pwitab): XOR of every byte after the
// first SOH or STX up to and including ETX (or EOT), each taken as 7 bits.
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;

/** XOR of bytes[from..to) masked to 7 bits. */
export function bcc(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= bytes[i]! & 0x7f;
  return x;
}

/** BCC of a whole message that starts with SOH or STX and ends with ETX (the BCC byte not included). */
export function messageBcc(msg: Uint8Array): number {
  return bcc(msg, 1);
}
