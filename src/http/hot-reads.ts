/**
 * @module http/hot-reads
 * The log's hot reads answered from memory before routing (issue 23): the checkpoint, and the
 * full tiles and entry bundles that services/ledger holds. A public resource, immutable or
 * briefly cached, needs no route matching, request context, session lookup, body limit or origin
 * check, and its headers are the same every time: they are taken once from the first answer the
 * app gives such a path (so security and CORS headers stay exactly the app's), less the
 * per-response ones, which are set here. Anything not in memory, with a query, or before that
 * first answer goes through the app, which fills memory.
 */
import { toBase64 } from '../core/codec/index.ts'
import type { Db } from '../platform/db/index.ts'
import { peekFullTile, peekServedCheckpoint } from '../services/ledger/index.ts'
import { matchesEtag } from './conditional.ts'

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>

/** What is read of Node's IncomingMessage (this module runs on Workers too: no node:http). */
export interface NodeRequest {
  readonly url?: string | undefined
  readonly method?: string | undefined
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** An inclusion proof at the latest size, as GET /log/proof/inclusion?index= computes it. */
export type ProveInclusion = (
  index: bigint,
) => Promise<{ index: bigint; size: bigint; proof: readonly Uint8Array[] }>

/** The one proof request answered early: an index alone (a `size` is the app's, immutable). */
const PROOF_TARGET = /^\/log\/proof\/inclusion\?index=(0|[1-9][0-9]{0,18})$/

/** What is written of Node's ServerResponse. */
export interface NodeResponse {
  writeHead(status: number, headers: string[]): unknown
  end(body?: string | Uint8Array): unknown
}

/** Set per response, never copied from the first one. */
const PER_RESPONSE = new Set([
  'content-length',
  'content-type',
  'cache-control',
  'etag',
  'x-request-id',
  'set-cookie',
  'date',
])

/** The UTF-8 length of the last text asked about (the checkpoint, which changes rarely). */
let lengthOf: { text: string; bytes: number } = { text: '', bytes: 0 }
function utf8Length(text: string): number {
  if (lengthOf.text !== text) lengthOf = { text, bytes: new TextEncoder().encode(text).byteLength }
  return lengthOf.bytes
}

/** Per response for the proof route (its type and caching are learnt with the rest). */
const PROOF_PER_RESPONSE = new Set(['content-length', 'x-request-id', 'set-cookie', 'date'])

/** The request target of an absolute URL (path and query), or undefined. */
function targetOf(url: string): string | undefined {
  const start = url.indexOf('/', url.indexOf('://') + 3)
  return start < 0 ? undefined : url.slice(start)
}

const IMMUTABLE = 'public, max-age=31536000, immutable'

interface Hit {
  body: string | Uint8Array
  type: string
  cache: string
  etag: string
}

/** The path of an absolute request URL without a query, or undefined (then: the long way). */
function pathOf(url: string): string | undefined {
  const start = url.indexOf('/', url.indexOf('://') + 3)
  if (start < 0 || url.includes('?', start) || url.includes('#', start)) return undefined
  return url.slice(start)
}

function lookup(db: Db, path: string): Hit | undefined {
  if (path === '/log/checkpoint') {
    const served = peekServedCheckpoint(db)
    if (served === undefined) return undefined
    const type = 'text/plain; charset=UTF-8'
    return { body: served.text, type, cache: 'public, max-age=2', etag: served.etag }
  }
  const full = peekFullTile(db, path.slice('/log/'.length))
  if (full === undefined) return undefined
  return { body: full.bytes, type: 'application/octet-stream', cache: IMMUTABLE, etag: full.etag }
}

/** What a hot read answers: status, headers and body, or undefined to go the long way. */
interface HotAnswer {
  status: 200 | 304
  headers: Record<string, string>
  body: string | Uint8Array | null
}

/**
 * The hot reads of one app over one database: `wrap` puts them in front of the app's `fetch`
 * (every runtime); `node` answers them from Node's own request objects, before
 * @hono/node-server builds a Request and a Response for them (entry/client-errors.ts): at tens
 * of thousands of requests a second, those objects and their headers were half the cost.
 */
export class HotReads {
  readonly #db: Db
  /** The app's headers for these paths, from its first plain 200 (see the module comment). */
  #common: Record<string, string> | undefined
  /** The same as [name, value, …], for Node's writeHead. */
  #commonFlat: string[] | undefined
  /** The app's headers for an inclusion proof at the latest size (its first plain 200). */
  #proofFlat: string[] | undefined
  readonly #prove: ProveInclusion | undefined

  /** `prove`: the inclusion proof route's own computation (services/ledger inclusionProof). */
  constructor(db: Db, prove?: ProveInclusion) {
    this.#db = db
    this.#prove = prove
  }

  /**
   * The answer for `path` (no query) when memory holds it and the request carries no
   * credentials: a request with them goes the whole way, so a revoked or expired one is refused
   * (401) on public routes too, as everywhere else (docs/STAFF.md).
   */
  #answer(
    method: string,
    path: string,
    credentials: boolean,
    ifNoneMatch: string | undefined,
  ): HotAnswer | undefined {
    if (
      (method !== 'GET' && method !== 'HEAD') ||
      credentials ||
      this.#common === undefined ||
      !(path === '/log/checkpoint' || path.startsWith('/log/tile/'))
    )
      return undefined
    const hit = lookup(this.#db, path)
    if (hit === undefined) return undefined
    const headers = {
      ...this.#common,
      'cache-control': hit.cache,
      etag: hit.etag,
      'x-request-id': crypto.randomUUID(),
    }
    // RFC 9110 §13.1.2, §15.4.5: the client holds this representation: 304, the 200's headers.
    if (matchesEtag(ifNoneMatch, hit.etag)) return { status: 304, headers, body: null }
    return {
      status: 200,
      headers: { ...headers, 'content-type': hit.type },
      body: method === 'HEAD' ? null : hit.body,
    }
  }

  /** `fetch` with the hot reads answered from memory first. */
  wrap<F extends Fetch>(fetch: F): F {
    const learn = async (request: Request, rest: never[]) => {
      const response = await fetch(request, ...rest)
      if (response.status !== 200 || response.headers.has('set-cookie')) return response
      // The proof route's headers, all of them but the per-response ones (its type and caching
      // are its own), from its first plain 200.
      if (this.#proofFlat === undefined && PROOF_TARGET.test(targetOf(request.url) ?? '')) {
        const flat: string[] = []
        response.headers.forEach((value, name) => {
          if (!PROOF_PER_RESPONSE.has(name)) flat.push(name, value)
        })
        this.#proofFlat = flat
        return response
      }
      // A plain 200 of the app's (no cookie set for this client) gives the common headers.
      if (this.#common === undefined) {
        const headers: Record<string, string> = {}
        response.headers.forEach((value, name) => {
          if (!PER_RESPONSE.has(name)) headers[name] = value
        })
        this.#common = headers
        this.#commonFlat = Object.entries(headers).flat()
      }
      return response
    }
    return ((request: Request, ...rest: never[]) => {
      const path = pathOf(request.url)
      if (path === undefined || !path.startsWith('/log/')) {
        return this.#proofFlat === undefined && request.url.includes('/log/proof/inclusion?')
          ? learn(request, rest)
          : fetch(request, ...rest)
      }
      const h = request.headers
      const answer = this.#answer(
        request.method,
        path,
        h.has('authorization') || h.has('cookie'),
        h.get('if-none-match') ?? undefined,
      )
      if (answer === undefined) return learn(request, rest)
      return new Response(answer.body as BodyInit | null, answer)
    }) as F
  }

  /**
   * The proof computed as the route does and written as its JSON; anything the route would
   * refuse (an index past the tree, a database gone) goes to the app, which answers it.
   */
  #proveEarly(index: bigint, res: NodeResponse, next: () => void): true {
    const common = this.#proofFlat as string[]
    ;(this.#prove as ProveInclusion)(index).then(
      (p) => {
        const body = JSON.stringify({
          index: String(p.index),
          size: String(p.size),
          proof: p.proof.map(toBase64),
        })
        // Digits and base64: its length in bytes is its length.
        res.writeHead(200, [
          ...common,
          'x-request-id',
          crypto.randomUUID(),
          'content-length',
          String(body.length),
        ])
        res.end(body)
      },
      () => next(),
    )
    return true
  }

  /**
   * Node: answers a hot read on `res` and returns true, or returns false having touched
   * nothing (the request then goes to the app). `req.url` is the request target: origin-form
   * paths only (RFC 9112 §3.2.1); anything else, or with a query, goes the long way.
   */
  node(req: NodeRequest, res: NodeResponse, next: () => void): boolean {
    const target = req.url
    const method = req.method
    const h = req.headers
    if (
      method === 'GET' &&
      this.#proofFlat !== undefined &&
      this.#prove !== undefined &&
      target?.startsWith('/log/proof/inclusion?') === true &&
      h.authorization === undefined &&
      h.cookie === undefined
    ) {
      const index = PROOF_TARGET.exec(target)?.[1]
      if (index !== undefined) return this.#proveEarly(BigInt(index), res, next)
    }
    if (
      target === undefined ||
      this.#commonFlat === undefined ||
      !(target === '/log/checkpoint' || target.startsWith('/log/tile/')) ||
      target.includes('?') ||
      (method !== 'GET' && method !== 'HEAD') ||
      h.authorization !== undefined ||
      h.cookie !== undefined
    )
      return false
    const hit = lookup(this.#db, target)
    if (hit === undefined) return false
    // A flat [name, value, …] list: no object built per request (Node accepts it, node:http
    // ServerResponse.writeHead); the common part was made once.
    const headers = [
      ...this.#commonFlat,
      'cache-control',
      hit.cache,
      'etag',
      hit.etag,
      'x-request-id',
      crypto.randomUUID(),
    ]
    const ifNoneMatch = h['if-none-match']
    if (matchesEtag(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, hit.etag)) {
      res.writeHead(304, headers)
      res.end()
      return true
    }
    const length = typeof hit.body === 'string' ? utf8Length(hit.body) : hit.body.byteLength
    headers.push('content-type', hit.type, 'content-length', String(length))
    res.writeHead(200, headers)
    res.end(method === 'HEAD' ? undefined : hit.body)
    return true
  }
}
