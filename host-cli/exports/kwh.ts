// kWh text from integer Wh, by integer maths only (never through a float).

/** Wh as kWh with exactly three decimals, e.g. 1234 -> "1.234", -5 -> "-0.005". */
export function formatKwh(wh: bigint | number): string {
  const w = BigInt(wh);
  const neg = w < 0n;
  const a = neg ? -w : w;
  return `${neg ? '-' : ''}${a / 1000n}.${(a % 1000n).toString().padStart(3, '0')}`;
}

/**
 * Renders JSON where kWh values appear as number literals with exactly three decimals ("1.230", not 1.23).
 * Values to render so are passed as `KwhLiteral`; everything else goes through JSON.stringify.
 */
export class KwhLiteral {
  constructor(readonly wh: bigint) {}
  toText(): string {
    return formatKwh(this.wh);
  }
}

export function stringifyWithKwh(value: unknown, indent = 2): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (v instanceof KwhLiteral) {
        marks.push(v.toText());
        return `\u0000KWH${marks.length - 1}\u0000`;
      }
      return typeof v === 'bigint' ? v.toString() : v;
    },
    indent,
  );
  return text.replace(/"\\u0000KWH(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}
