// The bench setup file (YAML/JSON): which ports the instruments are on and which command dialect each speaks.
//   reference: { port: /dev/ttyUSB2, dialect: yokogawa-wt300e }   # or amsgate-scpi (default)
//   source:    { port: /dev/ttyUSB1, dialect: amsgate-scpi }   # or keysight-ac6800b (voltage only)
//   load:      { port: /dev/ttyUSB3, dialect: amsgate-scpi }   # the phantom load, with keysight-ac6800b
//   baud: 9600
// Command-line options (--source, --reference, --instrument-baud) override the file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../drivers/errors.js';

export const REFERENCE_DIALECTS = ['amsgate-scpi', 'yokogawa-wt300e'] as const;
export const SOURCE_DIALECTS = ['amsgate-scpi', 'keysight-ac6800b'] as const;
export const LOAD_DIALECTS = ['amsgate-scpi'] as const;

const setupSchema = z.object({
  reference: z.object({ port: z.string().optional(), dialect: z.enum(REFERENCE_DIALECTS).default('amsgate-scpi') }).default({ dialect: 'amsgate-scpi' }),
  source: z.object({ port: z.string().optional(), dialect: z.enum(SOURCE_DIALECTS).default('amsgate-scpi') }).default({ dialect: 'amsgate-scpi' }),
  load: z.object({ port: z.string().optional(), dialect: z.enum(LOAD_DIALECTS).default('amsgate-scpi') }).optional(),
  baud: z.number().int().positive().optional(),
}).strict();

export type BenchSetupFile = z.infer<typeof setupSchema>;

export function readBenchSetupFile(path: string): BenchSetupFile {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('bench-setup', `cannot read bench setup file ${path} (--setup): ${(e as Error).message}`);
  }
  const r = setupSchema.safeParse(data ?? {});
  if (!r.success) {
    throw new ConfigError('bench-setup', `bench setup file ${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}; reference.dialect is one of ${REFERENCE_DIALECTS.join(', ')}, source.dialect one of ${SOURCE_DIALECTS.join(', ')}, load.dialect ${LOAD_DIALECTS.join(', ')}`);
  }
  return r.data;
}
