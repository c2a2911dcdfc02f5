/**
 * @module http/middleware/body-limit
 * hono's bodyLimit, without its first step when the request says its length. hono reads
 * `c.req.raw.body`, which makes @hono/node-server build a full Request and a web stream over
 * the socket for every request; with a Content-Length (and no Transfer-Encoding) the HTTP
 * parser already holds the body to exactly that length (RFC 9112 §6.3), so the header is the
 * size to check, and the body is later read by node-server's direct path. Anything else
 * (chunked bodies, requests built in tests or on Workers without the header) goes through
 * hono's middleware, which counts the bytes as they arrive.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'

export function bodyLimit(options: { maxSize: number; onError: () => never }): MiddlewareHandler {
  const counted = honoBodyLimit(options)
  return async function bodyLimit(c, next) {
    const length = c.req.header('content-length')
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return counted(c, next)
    if (!/^\d+$/.test(length) || Number(length) > options.maxSize) options.onError()
    await next()
  }
}
