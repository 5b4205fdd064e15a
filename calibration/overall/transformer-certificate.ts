// CT and VT calibration certificates as the bench reads them (YAML or JSON): errors at test points.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../drivers/errors.js';

export const transformerCertificateSchema = z.object({
  kind: z.enum(['ct', 'vt']),
  /** Identity, e.g. "CT 100/5 A class 0.5S, serial 1234". */
  identity: z.string().default(''),
  /** Rated secondary current (A) or voltage (V): test points are given as percent of it. */
  ratedSecondary: z.number().positive(),
  /** Expanded uncertainty (k=2) of the certificate's ratio errors, percent (0 when not stated). */
  uncertaintyPct: z.number().nonnegative().default(0),
  /** Expanded uncertainty (k=2) of the phase displacements, minutes of arc (0 when not stated). */
  phaseUncertaintyMinutes: z.number().nonnegative().default(0),
  points: z
    .array(
      z.object({
        percentRated: z.number().positive(),
        ratioErrorPct: z.number(),
        /** Phase displacement, minutes of arc, positive when the secondary leads the primary. */
        phaseMinutes: z.number(),
      }),
    )
    .min(1),
});

export type TransformerCertificate = z.infer<typeof transformerCertificateSchema>;

export function readTransformerCertificate(path: string, kind: 'ct' | 'vt'): TransformerCertificate {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('transformer-certificate', `cannot read ${kind.toUpperCase()} certificate ${path}: ${(e as Error).message}`);
  }
  const r = transformerCertificateSchema.safeParse({ kind, ...(data as object) });
  if (!r.success) {
    throw new ConfigError(
      'transformer-certificate',
      `${kind.toUpperCase()} certificate ${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}; expected {ratedSecondary, points: [{percentRated, ratioErrorPct, phaseMinutes}]}`,
    );
  }
  const seen = new Set<number>();
  for (const p of r.data.points) {
    if (seen.has(p.percentRated)) {
      throw new ConfigError('transformer-certificate', `${kind.toUpperCase()} certificate ${path} has two rows at ${p.percentRated} % of rated; keep one row per test point`);
    }
    seen.add(p.percentRated);
  }
  return r.data;
}
