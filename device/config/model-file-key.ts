// The key-field value of a meter's model file: its content's SHA-256. Editing the file (a register address, a scale)
// changes how energy is read, so it is a key field change that asks for a proving test; moving an identical file is not.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function modelFileKey(path: string): string {
  try {
    return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  } catch {
    // A file that cannot be read now is not the file that was proved.
    return `unreadable:${path}`;
  }
}
