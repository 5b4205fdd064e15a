// JSON that keeps bigints exact: engine and counter states hold register values beyond 2^53.
const TAG = '$bigint';

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? { [TAG]: v.toString() } : v));
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === TAG && typeof v[TAG] === 'string') return BigInt(v[TAG]);
    }
    return v;
  }) as T;
}
