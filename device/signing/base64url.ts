// base64url without padding (RFC 7515 section 2), strict on decode: a JWS part with any other
// character is malformed rather than silently skipped, as Buffer.from(..., 'base64url') would do.
const B64URL = /^[A-Za-z0-9_-]*$/;

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The 6-bit value of a base64url character (the caller has checked the alphabet). */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  return c === 45 ? 62 : 63; // '-' or '_'
}

/**
 * Decodes base64url, or returns null when the text is not canonical unpadded base64url: another character, a length
 * of 4n + 1, or a last character whose bits beyond the data are not zero (then re-encoding would not give the text
 * back; checked on that character instead of encoding the whole buffer again).
 */
export function fromB64url(text: string): Buffer | null {
  const rest = text.length % 4;
  if (rest === 1 || !B64URL.test(text)) return null;
  if (rest !== 0 && (sextet(text.charCodeAt(text.length - 1)) & (rest === 2 ? 0x0f : 0x03)) !== 0) return null;
  return Buffer.from(text, 'base64url');
}
