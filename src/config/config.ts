/**
 * @module config
 * The one typed configuration, parsed once from the environment by an entry file (DESIGN.md
 * "Configuration"). Nothing else reads `process.env` or Worker bindings.
 */
import { z } from 'zod'

const port = z.coerce.number().int().min(1).max(65535)

const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  VIGIL_DATA_DIR: z.string().min(1).default('./.vigil'),
  VIGIL_LOG_ORIGIN: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.\-_/:]*$/, 'must be a schemaless URL such as vigil.example/log')
    .optional(),
  VIGIL_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in standard base64 (44 characters)')
    .optional(),
  VIGIL_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  VIGIL_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  VIGIL_SUPPRESSION_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(10),
  VIGIL_DP_DAILY_EPSILON: z.coerce.number().gt(0).max(1000).default(10),
  VIGIL_PUBLIC_EPSILON: z.coerce.number().gt(0).max(10).default(0.5),
})

export interface Config {
  port: number
  host: string
  /** Where people reach the service; the origin for links, WebAuthn and CORS. */
  publicUrl: string
  /** Absent: the embedded PGlite database in `<dataDir>/db`. */
  databaseUrl: string | undefined
  dataDir: string
  /** The transparency log's origin line (c2sp.org/tlog-checkpoint), also its key name. */
  logOrigin: string
  /** 32 bytes; absent: a development key generated in the data directory. */
  masterKey: Uint8Array | undefined
  bodyLimit: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Dashboards (docs/SURVEILLANCE.md): small-cell threshold and differential privacy budgets. */
  surveillance: {
    /** Counts from 1 to threshold − 1 are suppressed. */
    threshold: number
    /** ε each person (staff member or API token) may spend per UTC day. */
    dailyEpsilon: number
    /** ε of each figure released once on the public statistics. */
    publicEpsilon: number
  }
}

/** A bad value: the message is one line that names the variable. */
export class ConfigError extends Error {
  readonly variable: string
  constructor(variable: string, reason: string) {
    super(`configuration error: ${variable} ${reason}`)
    this.name = 'ConfigError'
    this.variable = variable
  }
}

/** Parses an environment (process.env, or Worker bindings) into a Config. Throws ConfigError. */
export function parseConfig(env: Record<string, unknown>): Config {
  const input: Record<string, unknown> = {}
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key]
    // An empty variable means "not set", as in most shells' VAR= usage.
    if (value !== undefined && value !== '') input[key] = value
  }
  const parsed = envSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const variable = String(issue?.path[0] ?? 'environment')
    throw new ConfigError(variable, describe(variable, issue?.message, input[variable]))
  }
  const e = parsed.data
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.VIGIL_DATA_DIR,
    logOrigin: e.VIGIL_LOG_ORIGIN ?? `${new URL(publicUrl).host}/log`,
    masterKey: e.VIGIL_MASTER_KEY === undefined ? undefined : decodeKey(e.VIGIL_MASTER_KEY),
    bodyLimit: e.VIGIL_BODY_LIMIT,
    logLevel: e.VIGIL_LOG_LEVEL,
    surveillance: {
      threshold: e.VIGIL_SUPPRESSION_THRESHOLD,
      dailyEpsilon: e.VIGIL_DP_DAILY_EPSILON,
      publicEpsilon: e.VIGIL_PUBLIC_EPSILON,
    },
  }
}

// Secrets are never echoed back, not even in a start-up error.
const SECRET = new Set(['DATABASE_URL', 'VIGIL_MASTER_KEY'])

function describe(variable: string, message: string | undefined, value: unknown): string {
  const shown =
    typeof value === 'string' && !SECRET.has(variable)
      ? ` (got ${JSON.stringify(value.slice(0, 40))})`
      : ''
  return `is invalid: ${message ?? 'bad value'}${shown}`
}

function decodeKey(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
}
