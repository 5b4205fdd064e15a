// The shape of a gateway configuration file, with defaults. Meaning (Imax >= In, AMSID check digits,
// intervals that divide, files that exist) is checked afterwards in gateway-config.ts so that every
// problem can be reported at once with its fix. docs/configuration.md describes every field.
import { z } from 'zod';

/** The fields held as exact decimals (device/config/config-text.ts keeps them as written in the file). */
export const EXACT_DECIMAL_FIELDS = ['ctRatio', 'vtRatio', 'lossMultiplier', 'pulseMultiplier', 'calibrationFactor'] as const;

/** Exact decimals are kept as strings; a YAML number such as 1.02 is accepted and turned back into text. */
const decimal = (def: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
    .default(def);

const connection = z.union([
  z.strictObject({ tcp: z.string() }),
  z.strictObject({
    serial: z.string(),
    baud: z.number().int().positive().optional(),
    parity: z.enum(['none', 'even', 'odd']).optional(),
    dataBits: z.literal([7, 8]).optional(),
    stopBits: z.literal([1, 2]).optional(),
  }),
]);

export const compensationSchema = z
  .strictObject({
    ctRatio: decimal('1'),
    vtRatio: decimal('1'),
    ctRatioErrorPct: z.number().default(0),
    ctPhaseMinutes: z.number().default(0),
    vtRatioErrorPct: z.number().default(0),
    vtPhaseMinutes: z.number().default(0),
    lossMultiplier: decimal('1'),
    pulseMultiplier: decimal('1'),
    calibrationFactor: decimal('1'),
    minAbsPowerFactor: z.number().optional(),
  })
  .prefault({});

export const meterSchema = z.strictObject({
  id: z.string(),
  // A catalog id (drivers/catalog.ts, the one list of models) or a model file; checked in gateway-config.ts.
  model: z.string().optional(),
  modelFile: z.string().optional(),
  connection,
  unit: z.number().int().optional(),
  serial: z.string(),
  amsid: z.strictObject({ import: z.string(), export: z.string().optional() }),
  role: z.enum(['charger', 'battery', 'boundary', 'solar', 'other']),
  supply: z.enum(['ac', 'dc']).default('ac'),
  phases: z.literal([1, 3]),
  ratedVoltageV: z.number().positive(),
  ratedCurrentA: z.number().positive(),
  maxCurrentA: z.number().positive(),
  compensation: compensationSchema,
  /** UART chips: board profile name plus per-meter constant overrides (drivers/uart/board-profile.ts). */
  board: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  simulate: z
    .strictObject({
      profile: z.enum(['ev-charging', 'battery', 'constant']),
      ratingW: z.number().positive().optional(),
    })
    .optional(),
});

export const gatewaySchema = z.strictObject({
  deviceId: z.string(),
  timeZone: z.string().default('Europe/London'),
  meters: z.array(meterSchema).min(1),
  pollIntervalMs: z.number().int().positive().default(10_000),
  persistIntervalMs: z.number().int().positive().default(300_000),
  resolutions: z.array(z.enum(['PT15M', 'PT30M', 'PT60M'])).min(1).default(['PT30M']),
  closeAfterMs: z.number().int().nonnegative().default(60_000),
  maxGapMs: z.number().int().positive().default(300_000),
  energyPowerTolerancePct: z.number().min(0).max(100).default(5),
  broker: z
    .strictObject({
      url: z.string().default('mqtt://127.0.0.1:1883'),
      clientId: z.string().optional(),
      username: z.string().optional(),
      passwordFile: z.string().optional(),
      tls: z
        .strictObject({
          caFile: z.string().optional(),
          certFile: z.string().optional(),
          keyFile: z.string().optional(),
          rejectUnauthorized: z.boolean().optional(),
        })
        .optional(),
      keepaliveS: z.number().int().positive().default(30),
      embedded: z.boolean().default(false),
    })
    .prefault({}),
  storePath: z.string().default('data'),
  keys: z
    .strictObject({
      dir: z.string().optional(),
      algorithm: z.enum(['ES256', 'EdDSA']).default('ES256'),
    })
    .prefault({}),
  retention: z
    .strictObject({
      intervalDays: z.number().int().default(400),
      rawReadingDays: z.number().int().positive().default(35),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      maxBacklog: z.number().int().positive().default(200_000),
      alarmBacklog: z.number().int().positive().default(50_000),
    })
    .prefault({}),
  // Installer console (docs/installer-console.md): off unless this block is present.
  console: z.strictObject({ listen: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8080) }).optional(),
});

export type ParsedGatewayConfig = z.output<typeof gatewaySchema>;
