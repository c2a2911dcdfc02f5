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
import type { Db } from '../platform/db/index.ts'
import { peekFullTile, peekServedCheckpoint } from '../services/ledger/index.ts'
import { matchesEtag } from './conditional.ts'

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>

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

/** `fetch` with the hot reads of `db`'s log answered from memory first. */
export function withHotReads<F extends Fetch>(fetch: F, db: Db): F {
  let common: Record<string, string> | undefined
  const hot = async (request: Request, rest: never[]) => {
    const response = await fetch(request, ...rest)
    // A plain 200 of the app's (no cookie set for this client) gives the common headers.
    if (common === undefined && response.status === 200 && !response.headers.has('set-cookie')) {
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        if (!PER_RESPONSE.has(name)) headers[name] = value
      })
      common = headers
    }
    return response
  }
  return ((request: Request, ...rest: never[]) => {
    const method = request.method
    const path = method === 'GET' || method === 'HEAD' ? pathOf(request.url) : undefined
    // A request carrying credentials goes the whole way, so a revoked or expired one is
    // refused (401) on public routes too, as everywhere else (docs/STAFF.md).
    if (
      path === undefined ||
      !(path === '/log/checkpoint' || path.startsWith('/log/tile/')) ||
      request.headers.has('authorization') ||
      request.headers.has('cookie')
    )
      return fetch(request, ...rest)
    const hit = lookup(db, path)
    if (hit === undefined || common === undefined) return hot(request, rest)
    const headers = {
      ...common,
      'cache-control': hit.cache,
      etag: hit.etag,
      'x-request-id': crypto.randomUUID(),
    }
    // RFC 9110 §13.1.2, §15.4.5: the client holds this representation: 304, the 200's headers.
    if (matchesEtag(request.headers.get('if-none-match') ?? undefined, hit.etag))
      return new Response(null, { status: 304, headers })
    const body = method === 'HEAD' ? null : (hit.body as BodyInit)
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': hit.type } })
  }) as F
}
