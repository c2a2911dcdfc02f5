/**
 * @module platform/config/config
 * The one typed configuration, parsed once from the environment by an entry file
 * (docs/ARCHITECTURE.md). Nothing else reads `process.env` or Worker bindings.
 */
import { z } from 'zod'
import { parseVerifierKey, SIG_COSIGNATURE_V1 } from '../../core/note/index.ts'

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
  VIGIL_WITNESSES: z.string().optional(),
  VIGIL_WITNESS_QUORUM: z.coerce.number().int().min(1).max(64).optional(),
  VIGIL_WITNESS_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  VIGIL_WITNESS_WAIT: z.enum(['true', 'false']).default('false'),
  VIGIL_LEDGER_MAX_PENDING: z.coerce.number().int().min(1).max(100_000_000).default(100_000),
  VIGIL_PUBLISH_DIR: z.string().min(1).optional(),
  VIGIL_PUBLISH_AUDIT_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  VIGIL_SUPPRESSION_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(10),
  VIGIL_DP_DAILY_EPSILON: z.coerce.number().gt(0).max(1000).default(10),
  VIGIL_PUBLIC_EPSILON: z.coerce.number().gt(0).max(10).default(0.5),
})

/** A witness of this log: its policy name, cosigner vkey and add-checkpoint URL prefix. */
export interface WitnessConfig {
  name: string
  vkey: string
  /** `POST <url>/add-checkpoint` (for `vigil witness`: `http://host:port/witness`). */
  url: string
}

/** A value the environment sets explicitly, and the variable it came from. */
export interface Claim {
  value: string
  variable: string
}

export interface Config {
  port: number
  /** PORT was set (otherwise a deployment on loopback listens on its recorded URL's port). */
  portSet: boolean
  host: string
  /**
   * Where people reach the service; the origin for links, WebAuthn and CORS. From the
   * environment until the deployment's recorded identity replaces it (entry/identity.ts).
   */
  publicUrl: string
  /** `iss` of the cards issued now (the recorded identity; the public URL before that). */
  issuerUrl: string
  /** `iss` of earlier cards of this deployment, after a deliberate change of URL. */
  formerIssuerUrls: string[]
  /**
   * What the environment explicitly says the identity is: PUBLIC_URL (or the URL PORT implies),
   * VIGIL_LOG_ORIGIN. Checked against the recorded identity; anything else defaults to it.
   */
  claims: { publicUrl?: Claim; logOrigin?: Claim }
  /** Absent: the embedded PGlite database in `<dataDir>/db`. */
  databaseUrl: string | undefined
  dataDir: string
  /** The transparency log's origin line (c2sp.org/tlog-checkpoint), also its key name. */
  logOrigin: string
  /** 32 bytes; absent: a development key generated in the data directory. */
  masterKey: Uint8Array | undefined
  bodyLimit: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Witnesses asked to cosign each checkpoint (empty: quorum none, as before witnesses). */
  witnesses: WitnessConfig[]
  /** k of the k-of-n policy verifiers receive (default: a majority of the witnesses). */
  witnessQuorum: number
  /** How long one witness may take for one checkpoint, retries included. */
  witnessTimeoutMs: number
  /** Appends resolve only once a checkpoint covering them meets the policy. */
  witnessWait: boolean
  /**
   * Back-pressure: appends are refused (LEDGER_BUSY, 503 with Retry-After) while this many
   * entries or more wait for integration (docs/LEDGER.md).
   */
  ledgerMaxPending: number
  /**
   * The log's static copy (docs/LEDGER.md "Published copy"): a directory to publish tiles, entry
   * bundles and the checkpoint to (Node), and how often the lead process audits it.
   */
  publish: { dir: string | undefined; auditEveryMs: number }
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
  const witnesses = parseWitnesses(e.VIGIL_WITNESSES ?? '')
  const quorum = e.VIGIL_WITNESS_QUORUM ?? Math.floor(witnesses.length / 2) + 1
  if (witnesses.length > 0 && quorum > witnesses.length)
    throw new ConfigError('VIGIL_WITNESS_QUORUM', `must be at most ${witnesses.length}`)
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  const portSet = input.PORT !== undefined
  const claims: Config['claims'] = {}
  if (e.PUBLIC_URL !== undefined) claims.publicUrl = { value: publicUrl, variable: 'PUBLIC_URL' }
  else if (portSet) claims.publicUrl = { value: publicUrl, variable: 'PORT' }
  if (e.VIGIL_LOG_ORIGIN !== undefined)
    claims.logOrigin = { value: e.VIGIL_LOG_ORIGIN, variable: 'VIGIL_LOG_ORIGIN' }
  return {
    port: e.PORT,
    portSet,
    host: e.HOST,
    publicUrl,
    issuerUrl: publicUrl,
    formerIssuerUrls: [],
    claims,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.VIGIL_DATA_DIR,
    logOrigin: e.VIGIL_LOG_ORIGIN ?? `${new URL(publicUrl).host}/log`,
    masterKey: e.VIGIL_MASTER_KEY === undefined ? undefined : decodeKey(e.VIGIL_MASTER_KEY),
    bodyLimit: e.VIGIL_BODY_LIMIT,
    logLevel: e.VIGIL_LOG_LEVEL,
    witnesses,
    witnessQuorum: witnesses.length === 0 ? 0 : quorum,
    witnessTimeoutMs: e.VIGIL_WITNESS_TIMEOUT_MS,
    witnessWait: e.VIGIL_WITNESS_WAIT === 'true',
    ledgerMaxPending: e.VIGIL_LEDGER_MAX_PENDING,
    publish: { dir: e.VIGIL_PUBLISH_DIR, auditEveryMs: e.VIGIL_PUBLISH_AUDIT_SECONDS * 1000 },
    surveillance: {
      threshold: e.VIGIL_SUPPRESSION_THRESHOLD,
      dailyEpsilon: e.VIGIL_DP_DAILY_EPSILON,
      publicEpsilon: e.VIGIL_PUBLIC_EPSILON,
    },
  }
}

const WITNESS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** `name vkey url` per line or per ';' (c2sp.org/tlog-policy `witness` lines, URL required). */
export function parseWitnesses(text: string): WitnessConfig[] {
  const out: WitnessConfig[] = []
  for (const raw of text.split(/[;\n]/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fail = (reason: string) =>
      new ConfigError(
        'VIGIL_WITNESSES',
        `is invalid: ${reason} (got ${JSON.stringify(line.slice(0, 60))})`,
      )
    const parts = line.split(/\s+/)
    if (parts.length !== 3) throw fail('each witness is "name vkey url"')
    const [name = '', vkey = '', url = ''] = parts
    if (!WITNESS_NAME.test(name) || name === 'none') throw fail('bad witness name')
    try {
      if (parseVerifierKey(vkey).type !== SIG_COSIGNATURE_V1)
        throw fail('not a cosigner (0x04) vkey')
    } catch (err) {
      if (err instanceof ConfigError) throw err
      throw fail('not a vkey')
    }
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw fail('the URL must be http(s)')
    if (out.some((w) => w.name === name || w.vkey === vkey)) throw fail('a witness is listed twice')
    out.push({ name, vkey, url: url.replace(/\/+$/, '') })
  }
  return out
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
