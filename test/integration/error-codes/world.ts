/**
 * What the cases of test/integration/error-codes.test.ts run against: the test app with a token
 * per role, apps beside it over the same database (the Worker's refusing ledger, another public
 * URL), and requests from a client address no other request uses.
 */
import { buildContext } from '../../../src/entry/context.ts'
import { createApp } from '../../../src/http/app.ts'
import { parseConfig } from '../../../src/platform/config/index.ts'
import { jsonLogger } from '../../../src/platform/context/index.ts'
import { nodeKeyCrypto } from '../../../src/platform/node-crypto/key-crypto.ts'
import { seededRandom, TEST_MASTER_KEY, type TestApp } from '../../helpers/app.ts'
import { immunization, tokenFor } from '../../helpers/credentials.ts'
import { type Call, call } from '../staff/helpers.ts'

const ROLES = ['issuer', 'tracer', 'epidemiologist', 'admin'] as const

export interface World {
  t: TestApp
  /** A bearer token for each role, as `call` options. */
  auth: Record<(typeof ROLES)[number], Call>
}

export async function worldOf(t: TestApp): Promise<World> {
  const tokens = await Promise.all(ROLES.map(async (r) => [r, { token: await tokenFor(t, [r]) }]))
  return { t, auth: Object.fromEntries(tokens) }
}

let clients = 0
/** A client address no other request of this file uses, so per-client limits stay apart. */
export const freshClient = () => `198.18.${Math.floor(++clients / 250)}.${clients % 250}`

/**
 * An app over the test app's database as the Worker builds it (entry/worker.ts): existing keys
 * and a ledger that refuses appends; `env` overrides the configuration.
 */
export async function workerAppOver(t: TestApp, env: Record<string, string> = {}) {
  const config = parseConfig({
    PUBLIC_URL: t.ctx.config.publicUrl,
    VIGIL_LOG_LEVEL: 'silent',
    ...env,
  })
  const { ctx } = await buildContext({
    database: t.database,
    config,
    masterKey: TEST_MASTER_KEY,
    logger: jsonLogger('silent'),
    clock: t.ctx.clock,
    random: seededRandom(7),
    keyCrypto: nodeKeyCrypto,
    keys: 'existing',
    ledger: { kind: 'refusing' },
  })
  return { ...t, app: createApp({ ...ctx, version: 'test' }, { accessLog: false }) }
}

/** Issues a credential over HTTP; its id. */
export async function issueCard(w: World): Promise<string> {
  const res = await call(w.t, 'POST', '/api/credentials', immunization(), w.auth.issuer)
  if (res.status !== 201) throw new Error(`issuing answered ${res.status}`)
  return ((await res.json()) as { id: string }).id
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

export interface HttpCase {
  /** Prepares what the code needs and sends the request that provokes it. */
  provoke: (w: World) => Promise<Response>
  /** The field at fault the answer names; absent: the body has no `field`. */
  field?: string
  /** Retry-After: exactly these seconds, or `true` for any positive number. */
  retryAfter?: number | true
}

export type Case = HttpCase
