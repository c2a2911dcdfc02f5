/**
 * The HTTP fuzz driver (docs/RELIABILITY.md "HTTP fuzz"), shared by the CI test
 * (test/reliability/http-fuzz.test.ts) and the full campaign (`npm run soak -- http-fuzz`).
 *
 * Requests are generated from the app's own /openapi.json: for every operation a plausible
 * request, then mutations of it (wrong types, missing and extra fields, huge values, deep
 * nesting, invalid UTF-8, NUL, wrong media types, bad paths and queries, bad credentials). Raw
 * malformed HTTP goes over a socket to a real `serve()`d app. The oracle: no status ≥ 500, and
 * every 4xx is problem+json with a `code`. A seeded PRNG makes every failure reproducible.
 */
import { connect } from 'node:net'
import { serveWithProblems } from '../../src/entry/client-errors.ts'
import { createApp } from '../../src/http/app.ts'
import { ROLES, type Role } from '../../src/platform/context/context.ts'
import { seededUniform } from '../../src/services/surveillance/synthetic.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { api, immunization, tokenFor } from '../helpers/credentials.ts'
import type { Engine } from '../helpers/db.ts'

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32 (the synthetic-data generator's): the same sequence for the same seed anywhere. */
export function prng(seed: number) {
  const next = seededUniform(seed)
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}
export type Rng = ReturnType<typeof prng>

// ---------------------------------------------------------------------------------------------
// The OpenAPI document, as much of it as generation needs

interface Schema {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  example?: unknown
  default?: unknown
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  $ref?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  pattern?: string
  additionalProperties?: boolean | Schema
}
interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema?: Schema
}
interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  bodyTypes: string[]
  bodySchema: Schema | undefined
  secured: boolean
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>
  components?: { schemas?: Record<string, Schema> }
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        parameters?: Parameter[]
        requestBody?: { content?: Record<string, { schema?: Schema }> }
        security?: unknown[]
      }
      const content = op.requestBody?.content ?? {}
      const bodyTypes = Object.keys(content)
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        bodyTypes,
        bodySchema: bodyTypes[0] === undefined ? undefined : content[bodyTypes[0]]?.schema,
        secured: op.security !== undefined,
      })
    }
  }
  return ops
}

// ---------------------------------------------------------------------------------------------
// Values: plausible ones from a schema, and hostile ones

const HUGE_STRING_BYTES = 200_000
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  '\u0085\u2028\u2029',
  '\ud800',
  'x\udfffy',
  '💉'.repeat(50),
  '../../../etc/passwd',
  '%00',
  '%ZZ',
  "'; drop table credentials; --",
  '<script>alert(1)</script>',
  '$' + '{jndi:ldap://x}',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '-9223372036854775809',
  '2026-02-30',
  '2026-11-24T25:61:61Z',
  '0000-00-00',
  '99999-01-01',
  'ABCDEF01-2345-4678-9ABC-DEF012345678',
  '00000000-0000-0000-0000-000000000000',
]
const NASTY_NUMBERS = [
  -1,
  0,
  1.5,
  -0.000001,
  2 ** 31,
  2 ** 53,
  2 ** 63,
  2 ** 64,
  1e308,
  -1e308,
  Number.MIN_VALUE,
]

function resolveRef(doc: OpenApiDocument, s: Schema | undefined): Schema | undefined {
  if (s?.$ref === undefined) return s
  const name = s.$ref.split('/').at(-1) as string
  return doc.components?.schemas?.[name]
}

function uuid(rng: Rng): string {
  const h = Array.from({ length: 32 }, () => rng.int(16).toString(16)).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
}

/** A value that should pass the schema, as far as a generator can know without its regexes. */
export function plausible(
  doc: OpenApiDocument,
  raw: Schema | undefined,
  rng: Rng,
  depth = 0,
): unknown {
  const s = resolveRef(doc, raw)
  if (s === undefined || depth > 6) return null
  if (s.example !== undefined && rng.chance(0.7)) return s.example
  if (s.const !== undefined) return s.const
  if (s.enum !== undefined) return rng.pick(s.enum)
  if (s.default !== undefined && rng.chance(0.3)) return s.default
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives !== undefined) return plausible(doc, rng.pick(alternatives), rng, depth + 1)
  if (s.allOf !== undefined) return plausible(doc, s.allOf[0], rng, depth + 1)
  const type = Array.isArray(s.type) ? rng.pick(s.type.filter((t) => t !== 'null')) : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(k) || rng.chance(0.5)) out[k] = plausible(doc, v, rng, depth + 1)
      }
      return out
    }
    case 'array': {
      const n = Math.max(s.minItems ?? 0, rng.int(3))
      return Array.from({ length: n }, () => plausible(doc, s.items, rng, depth + 1))
    }
    case 'integer':
      return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 100, rng.int(100)))
    case 'number':
      return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 100, rng.next() * 100))
    case 'boolean':
      return rng.chance(0.5)
    case 'string': {
      if (s.format === 'uuid') return uuid(rng)
      if (s.format === 'date') return '2026-11-20'
      if (s.format === 'date-time') return '2026-11-24T11:00:00Z'
      const n = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 8))
      return 'abcdefghijklmnop'.slice(0, n)
    }
    default:
      return 'x'
  }
}

/** Something the schema should refuse (or at least that a careless handler would choke on). */
export function hostile(rng: Rng): unknown {
  switch (rng.int(12)) {
    case 0:
      return rng.pick(NASTY_STRINGS)
    case 1:
      return rng.pick(NASTY_NUMBERS)
    case 2:
      return 'A'.repeat(rng.pick([1_000, 70_000, HUGE_STRING_BYTES]))
    case 3:
      // Deeper values go as raw text (case 12): JSON.stringify itself would overflow the stack.
      return deep(rng.pick([50, 500, 1_000]), rng.chance(0.5))
    case 4:
      return null
    case 5:
      return rng.chance(0.5)
    case 6:
      return []
    case 7:
      return {}
    case 8:
      return Array.from({ length: rng.pick([100, 10_000]) }, (_, i) => i)
    case 9:
      return { __proto__: { admin: true }, constructor: { prototype: { x: 1 } } }
    case 10:
      return Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i]))
    default:
      return -rng.int(1_000_000)
  }
}

function deep(n: number, arrays: boolean): unknown {
  let v: unknown = 1
  for (let i = 0; i < n; i++) v = arrays ? [v] : { a: v }
  return v
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
  /** What was done to the plausible request, for the report. */
  mutation: string
}

export interface Fixtures {
  /** Bearer tokens: one per role and one with every role. */
  tokens: Record<Role | 'all', string>
  /** Ids that exist, so that routes are exercised past their lookups. */
  credentialId: string
}

const PARAM_VALUE_MUTATIONS = [
  (rng: Rng) => String(hostile(rng)),
  (rng: Rng) => rng.pick(NASTY_STRINGS),
  () => '%FF%FE',
  () => '%C0%AF',
  () => '%ED%A0%80',
  () => '%00',
  () => 'x'.repeat(5_000),
]

function encodePathValue(v: string): string {
  // Values that already look percent-encoded are sent as they are (to test the decoder).
  if (/%[0-9A-Za-z]{2}/.test(v)) return v
  // A lone surrogate has no UTF-8 form: send the bytes a careless encoder would (CESU-8).
  return v
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
}

function fillPath(op: Operation, fx: Fixtures, rng: Rng, values: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (values[name] !== undefined) return encodePathValue(values[name] as string)
    if (op.path === '/log/tile/{path}') return rng.pick(['0/000', '1/000.p/3', 'entries/000'])
    if (name === 'id' && op.path.startsWith('/api/credentials')) return fx.credentialId
    const param = op.parameters.find((p) => p.name === name)
    const schema = param?.schema
    if (schema?.format === 'uuid' || /credentials|exposure\/codes|passport/.test(op.path))
      return rng.chance(0.5) ? fx.credentialId : uuid(rng)
    return encodePathValue(String(plausible({ paths: {} }, schema, rng)))
  })
}

function authHeader(op: Operation, fx: Fixtures, rng: Rng): Record<string, string> {
  if (!op.secured && rng.chance(0.7)) return {}
  if (rng.chance(0.8)) {
    const who = rng.chance(0.6) ? 'all' : rng.pick(ROLES)
    return { authorization: `Bearer ${fx.tokens[who]}` }
  }
  return { authorization: badAuthorization(rng) }
}

export function badAuthorization(rng: Rng): string {
  return rng.pick([
    'Bearer',
    'Bearer ',
    'Bearer x',
    `Bearer ${'A'.repeat(8_000)}`,
    'Bearer vgl_0000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'Bearer \u00e9\u00e8',
    'Basic YWRtaW46YWRtaW4=',
    'Digest username="x"',
    'bearer lower-case-scheme',
    'Bearer a b c',
    'Token abc',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
  ])
}

/** One request for `op`: plausible, then (mostly) one mutation. */
export function generate(doc: OpenApiDocument, op: Operation, fx: Fixtures, rng: Rng): FuzzRequest {
  const headers: Record<string, string> = { ...authHeader(op, fx, rng) }
  const pathValues: Record<string, string> = {}
  const query = new Map<string, string>()
  for (const p of op.parameters) {
    if (p.in === 'query' && (p.required || rng.chance(0.5)))
      query.set(p.name, String(plausible(doc, p.schema, rng)))
    if (p.in === 'header' && (p.required || rng.chance(0.7)))
      headers[p.name] = 'AAAAAAAAAAAAAAAAAAAAAA'
  }
  let body: unknown = op.bodySchema === undefined ? undefined : plausible(doc, op.bodySchema, rng)
  let rawBody: string | Uint8Array | undefined
  let contentType = op.bodyTypes[0] ?? (rng.chance(0.3) ? 'application/json' : undefined)
  let mutation = 'plausible'
  let method = op.method
  let suffix = ''

  const kind = rng.chance(0.1) ? -1 : rng.int(14)
  switch (kind) {
    case 0: {
      // A path or query parameter with a hostile value.
      const params = op.parameters.filter((p) => p.in !== 'header')
      const p = params.length > 0 ? rng.pick(params) : undefined
      const value = rng.pick(PARAM_VALUE_MUTATIONS)(rng)
      if (p?.in === 'path') pathValues[p.name] = value
      else query.set(p?.name ?? 'x', value)
      mutation = `param ${p?.name ?? 'x'}`
      break
    }
    case 1: {
      // A body field with a wrong type or a hostile value; or a field missing; or an extra one.
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        const o = body as Record<string, unknown>
        const keys = Object.keys(o)
        const roll = rng.int(3)
        if (roll === 0 && keys.length > 0) {
          const k = rng.pick(keys)
          delete o[k]
          mutation = `body missing ${k}`
        } else if (roll === 1 && keys.length > 0) {
          const k = rng.pick(keys)
          o[k] = hostile(rng)
          mutation = `body ${k} hostile`
        } else {
          o[rng.pick(['extra', '__proto__', 'constructor', 'id', 'roles'])] = hostile(rng)
          mutation = 'body extra field'
        }
      } else {
        body = hostile(rng)
        mutation = 'body hostile'
      }
      break
    }
    case 2: {
      // A hostile value deep inside the body: every string leaf replaced at random.
      body = mutateLeaves(body, rng)
      mutation = 'body leaves'
      break
    }
    case 3:
      body = hostile(rng)
      mutation = 'body replaced'
      break
    case 4:
      rawBody = invalidUtf8(rng)
      mutation = 'body invalid UTF-8'
      break
    case 5:
      rawBody = rng.pick([
        '{',
        '{"a":',
        '[1,2',
        'null',
        '"\\u0000"',
        '{"a":"\\ud800"}',
        '\ufeff{}',
        '{}{}',
        '1e99999',
        'tru',
        '',
      ])
      mutation = 'body malformed JSON'
      break
    case 6:
      contentType = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/jsonx',
        'application/xml',
        '',
        '*/*',
        'application/json;;;',
      ])
      mutation = `content-type ${JSON.stringify(contentType)}`
      break
    case 7:
      headers.authorization = badAuthorization(rng)
      mutation = 'bad authorization'
      break
    case 8:
      method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])
      mutation = `method ${method}`
      break
    case 9:
      suffix = rng.pick([
        '/',
        '//',
        '/..',
        '/%2e%2e',
        '%00',
        '/%ZZ',
        '/%FF',
        `/${'a'.repeat(3_000)}`,
        '?',
        '?&&&=',
        '#frag',
        '/.json',
        ';jsessionid=1',
      ])
      mutation = `path suffix ${JSON.stringify(suffix.slice(0, 20))}`
      break
    case 10: {
      // Repeated and array-style query keys.
      const p = op.parameters.find((x) => x.in === 'query')
      const name = p?.name ?? 'q'
      suffix = `?${name}=1&${name}=2&${name}[]=3&${name}[a]=4`
      mutation = 'query repeated keys'
      break
    }
    case 11:
      headers[rng.pick(['origin', 'cookie', 'x-vigil-passport-key', 'accept', 'x-chaff'])] =
        rng.pick(['null', 'https://evil.example', 'vigil_session=garbage', '\u00ff\u00fe', '1'])
      mutation = 'odd header'
      break
    case 12: {
      // A very deeply nested body: recursion in a validator must not become a 500.
      rawBody = `${'['.repeat(50_000)}${']'.repeat(50_000)}`
      mutation = 'body deep nesting'
      break
    }
    case 13:
      query.set(`k${rng.int(10)}`, 'x'.repeat(rng.pick([10, 10_000])))
      mutation = 'query extra'
      break
    default:
      break
  }
  if (contentType !== undefined && contentType !== '') headers['content-type'] = contentType
  const qs = [...query].map(([k, v]) => `${encodeURIComponent(k)}=${encodePathValue(v)}`).join('&')
  const path = fillPath(op, fx, rng, pathValues) + (qs === '' ? '' : `?${qs}`) + suffix
  if (rawBody === undefined && body !== undefined) rawBody = JSON.stringify(body)
  if (method === 'GET' || method === 'HEAD') rawBody = undefined
  return { method, path, headers, ...(rawBody === undefined ? {} : { body: rawBody }), mutation }
}

function mutateLeaves(v: unknown, rng: Rng): unknown {
  if (typeof v === 'string' || typeof v === 'number') return rng.chance(0.3) ? hostile(rng) : v
  if (Array.isArray(v)) return v.map((x) => mutateLeaves(x, rng))
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutateLeaves(x, rng)]))
  return v
}

function invalidUtf8(rng: Rng): Uint8Array {
  const prefix = new TextEncoder().encode('{"a":"')
  const bad = rng.pick([
    [0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x00],
  ])
  return new Uint8Array([...prefix, ...bad, 0x22, 0x7d])
}

// ---------------------------------------------------------------------------------------------
// The oracle and the tally

export interface Failure {
  seed: number
  request: string
  status: number
  why: string
}

export class Tally {
  readonly byStatus = new Map<number, number>()
  readonly failures: Failure[] = []
  count = 0
  slowest = { ms: 0, request: '' }

  record(seed: number, req: string, status: number, ms: number, why?: string) {
    this.count++
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1)
    if (ms > this.slowest.ms) this.slowest = { ms, request: req }
    if (why !== undefined && this.failures.length < 50)
      this.failures.push({ seed, request: req, status, why })
  }

  statuses(): Record<string, number> {
    return Object.fromEntries([...this.byStatus].sort(([a], [b]) => a - b))
  }
}

/** Why a response breaks the contract, or undefined when it keeps it. */
export function judge(status: number, contentType: string | null, body: string, method: string) {
  if (status >= 500) return `status ${status}: ${body.slice(0, 200)}`
  if (status < 400 || method === 'HEAD') return undefined
  if (!contentType?.startsWith('application/problem+json'))
    return `a ${status} as ${contentType ?? 'no content type'}: ${body.slice(0, 120)}`
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    if (typeof code !== 'string' || code === '') return `a ${status} without a code`
  } catch {
    return `a ${status} whose body is not JSON`
  }
  return undefined
}

const describeRequest = (r: FuzzRequest) => `${r.method} ${r.path.slice(0, 160)} [${r.mutation}]`

// ---------------------------------------------------------------------------------------------
// Running

export interface FuzzSetup {
  t: TestApp
  doc: OpenApiDocument
  ops: Operation[]
  fx: Fixtures
}

export async function setUp(engine: Engine): Promise<FuzzSetup> {
  const t = await createTestApp(engine)
  const tokens = {} as Record<Role | 'all', string>
  for (const role of ROLES) tokens[role] = await tokenFor(t, [role])
  tokens.all = await tokenFor(t, [...ROLES])
  const issued = await api(t, tokens.issuer).post('/api/credentials', immunization())
  const credentialId = ((await issued.json()) as { id: string }).id
  const doc = (await (await t.app.request('/openapi.json')).json()) as OpenApiDocument
  return { t, doc, ops: operationsOf(doc), fx: { tokens, credentialId } }
}

/**
 * `count` requests through `app.request()`, round-robin over the operations so each gets its
 * share. Requests come from a fixed fake client address, as the Node server would pass one.
 */
export async function fuzzApp(setup: FuzzSetup, seed: number, count: number, tally: Tally) {
  const rng = prng(seed)
  const { t, doc, ops, fx } = setup
  for (let i = 0; i < count; i++) {
    const op = ops[i % ops.length] as Operation
    const req = generate(doc, op, fx, rng)
    const started = performance.now()
    let status: number
    let why: string | undefined
    try {
      const res = await t.app.request(
        req.path,
        {
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body as BodyInit }),
        },
        { incoming: { socket: { remoteAddress: `198.51.100.${i % 250}` } } },
      )
      status = res.status
      why = judge(status, res.headers.get('content-type'), await res.text(), req.method)
    } catch (err) {
      status = 599
      why = `threw ${String(err).slice(0, 200)}`
    }
    tally.record(seed, describeRequest(req), status, performance.now() - started, why)
  }
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP over a socket

/** Listens in 23000–23899 (this campaign's ports), trying another when a port is taken. */
export async function serveRaw(setup: FuzzSetup, seed: number) {
  const logged: { level: string; msg: string }[] = []
  const capture = (level: string) => (msg: string) => logged.push({ level, msg })
  const logger = {
    debug: capture('debug'),
    info: capture('info'),
    warn: capture('warn'),
    error: capture('error'),
  }
  const app = createApp(
    { ...setup.t.ctx, logger, version: 'fuzz', ledger: setup.t.ledger },
    { accessLog: false },
  )
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 23000 + ((seed + attempt * 37) % 900)
    const server = await new Promise<ReturnType<typeof serveWithProblems> | undefined>(
      (resolve) => {
        const s = serveWithProblems({ fetch: app.fetch, port, hostname: '127.0.0.1' }, logger, () =>
          resolve(s),
        )
        s.once('error', () => resolve(undefined))
      },
    )
    if (server !== undefined)
      return {
        port,
        logged,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }
  }
  throw new Error('no free port in 23000–23999')
}

/** Raw request texts: each malformed in one way (or, rarely, fine, to keep the server honest). */
export function rawRequest(setup: FuzzSetup, rng: Rng): { bytes: Uint8Array; what: string } {
  const op = rng.pick(setup.ops)
  const path = fillPath(op, setup.fx, rng, {})
  const enc = (s: string) => new TextEncoder().encode(s)
  const line = `${op.method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`
  const cases: [string, () => Uint8Array][] = [
    ['content-length abc', () => enc(`${line}Content-Length: abc\r\n\r\n`)],
    ['content-length negative', () => enc(`${line}Content-Length: -1\r\n\r\n`)],
    ['content-length twice', () => enc(`${line}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`)],
    ['content-length huge', () => enc(`${line}Content-Length: 99999999999999999999\r\n\r\n`)],
    [
      'CL and TE',
      () => enc(`${line}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
    ],
    [
      'bad chunk size',
      () => enc(`${line}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`),
    ],
    ['TE unknown', () => enc(`${line}Transfer-Encoding: gzip, identity\r\n\r\n`)],
    ['NUL in header', () => new Uint8Array([...enc(`${line}X-A: a`), 0, ...enc('b\r\n\r\n')])],
    ['CTL in header', () => enc(`${line}X-A: a\u0001b\r\n\r\n`)],
    ['space in name', () => enc(`${line}X A: b\r\n\r\n`)],
    ['no colon', () => enc(`${line}NoColonHere\r\n\r\n`)],
    ['bare LF', () => enc(`GET / HTTP/1.1\nHost: x\n\n`)],
    ['bad method', () => enc(`G@T / HTTP/1.1\r\nHost: x\r\n\r\n`)],
    ['bad version', () => enc(`GET / HTTP/9.9\r\nHost: x\r\n\r\n`)],
    ['no version', () => enc(`GET /\r\n\r\n`)],
    ['not HTTP', () => enc('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003')],
    ['garbage', () => new Uint8Array(Array.from({ length: 64 }, () => rng.int(256)))],
    ['header overflow', () => enc(`${line}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`)],
    ['many headers', () => enc(`${line}${'X-A: b\r\n'.repeat(3_000)}\r\n`)],
    [
      'backslash path',
      () => enc(`GET /log\\checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    ],
    [
      'invalid UTF-8 path',
      () =>
        new Uint8Array([
          ...enc('GET /log/'),
          0xff,
          0xfe,
          ...enc(` HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        ]),
    ],
    [
      'absolute URI',
      () => enc(`GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    ],
    ['bad host', () => enc(`GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n`)],
    ['no host', () => enc(`GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n`)],
    ['asterisk target', () => enc(`OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)],
    [
      'truncated body',
      () =>
        enc(
          `POST /api/credentials HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${setup.fx.tokens.all}\r\nContent-Length: 500\r\n\r\n{"type":`,
        ),
    ],
    ['truncated head', () => enc(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Par`)],
    ['fine', () => enc(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)],
  ]
  const [what, make] = rng.pick(cases)
  return { bytes: make(), what: `${what} (${op.method} ${op.path})` }
}

/** Sends bytes, half-closes, reads until the server closes or `timeoutMs`. */
export function rawExchange(port: number, bytes: Uint8Array, timeoutMs = 3_000) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(out)
    }
    const timer = setTimeout(done, timeoutMs)
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => (out += d))
    socket.on('error', done)
    socket.on('close', done)
    socket.end(bytes)
  })
}

export function parseRaw(raw: string) {
  const at = raw.indexOf('\r\n\r\n')
  const head = at < 0 ? raw : raw.slice(0, at)
  const body = at < 0 ? '' : raw.slice(at + 4)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = new Map<string, string>()
  for (const l of lines) {
    const i = l.indexOf(':')
    if (i > 0) headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim())
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body }
}

/** `count` raw exchanges, `parallel` at a time. No answer at all (status 0) is allowed. */
export async function fuzzRaw(
  setup: FuzzSetup,
  port: number,
  seed: number,
  count: number,
  tally: Tally,
  parallel = 8,
) {
  const rng = prng(seed)
  const jobs = Array.from({ length: count }, () => rawRequest(setup, rng))
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as { bytes: Uint8Array; what: string }
      const started = performance.now()
      const res = parseRaw(await rawExchange(port, job.bytes))
      let body = res.body
      // A chunked answer: the one chunk's payload.
      if (res.headers.get('transfer-encoding') === 'chunked')
        body = body.split('\r\n').slice(1, -3).join('\r\n')
      const why =
        res.status === 0
          ? undefined
          : judge(res.status, res.headers.get('content-type') ?? null, body, 'GET')
      tally.record(seed, `raw ${job.what}`, res.status, performance.now() - started, why)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
}
