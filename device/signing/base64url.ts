// base64url without padding (RFC 7515 section 2), strict on decode: a JWS part with any other
// character is malformed rather than silently skipped, as Buffer.from(..., 'base64url') would do.
const B64URL = /^[A-Za-z0-9_-]*$/;

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Decodes base64url, or returns null when the text is not canonical unpadded base64url. */
export function fromB64url(text: string): Buffer | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const buf = Buffer.from(text, 'base64url');
  return buf.toString('base64url') === text ? buf : null;
}
