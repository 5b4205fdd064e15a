// Board profiles of the UART chips: a named set of conversion constants (one consistent set per board) and the
// per-meter overrides a configuration may add (`meters[].board: { profile, ...fields }`). Each chip's board.ts
// holds its table and the rules that keep a set consistent; this file only merges and names what was wrong.
import { ConfigError } from '../errors.js';

/** What a configuration says about a board: a profile name and fields that replace the profile's. */
export type BoardChoice = { profile?: string } & Record<string, string | number | undefined>;

/**
 * The profile named in `choice` (default "default") with the choice's fields on top. Unknown profiles and
 * unknown fields are a ConfigError that lists what is accepted.
 */
export function mergeBoard<T extends object>(
  chip: string,
  table: Readonly<Record<string, T>>,
  fields: readonly string[],
  choice: BoardChoice | undefined,
): { name: string; base: T; merged: T; overridden: string[] } {
  const name = choice?.profile ?? 'default';
  const base = table[name];
  if (!base) {
    throw new ConfigError('board-profile', `${chip} board profile "${name}" is unknown; known profiles: ${Object.keys(table).join(', ')}`);
  }
  const overridden: string[] = [];
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(choice ?? {})) {
    if (k === 'profile' || v === undefined) continue;
    if (!fields.includes(k)) {
      throw new ConfigError('board-field', `${chip} board field "${k}" is unknown; expected profile or one of ${fields.join(', ')}`);
    }
    merged[k] = v;
    overridden.push(k);
  }
  return { name, base, merged: merged as T, overridden };
}

/** A positive decimal (string or number) as the exact text the board tables keep. */
export function positiveDecimalText(chip: string, field: string, v: unknown): string {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^\d+(\.\d+)?$/.test(text) || /^0+(\.0+)?$/.test(text)) {
    throw new ConfigError('board-field', `${chip} board field ${field} is ${JSON.stringify(v)}; expected a positive decimal number such as "596" or "3304.61127328"`);
  }
  return text;
}
