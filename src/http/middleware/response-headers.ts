/**
 * @module http/middleware/response-headers
 * Headers added to a response after its handler ran, and the public CORS that uses it.
 *
 * Setting them on `c.res.headers` as it is keeps @hono/node-server's plain answer plain. Hono's
 * own ways — `c.header` after the handler, or cors() touching `c.res` before it — make the
 * handler's response again from its body, which turns it into a stream the adapter must read
 * back: at thousands of requests a second that was a sixth of the server's CPU.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

/** Sets `name` on the response; a response whose headers cannot change is made again. */
export function setResponseHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}

export interface PublicCorsOptions {
  readonly allowMethods: string[]
  readonly allowHeaders?: string[]
  readonly exposeHeaders?: string[]
  readonly maxAge: number
}

/**
 * CORS for public resources any origin may read (`Access-Control-Allow-Origin: *`, no
 * credentials; Fetch §3.2.3): a preflight is hono's cors(); any other request gets the same
 * headers hono's would give it, set after the handler.
 */
export function publicCors(options: PublicCorsOptions): MiddlewareHandler {
  const preflight = cors({ origin: '*', ...options })
  const expose = options.exposeHeaders?.join(',')
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next)
    await next()
    setResponseHeader(c, 'Access-Control-Allow-Origin', '*')
    if (expose !== undefined && expose !== '')
      setResponseHeader(c, 'Access-Control-Expose-Headers', expose)
  }
}
