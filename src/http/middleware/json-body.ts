/**
 * @module http/middleware/json-body
 * For routes that take JSON: the media type must be application/json (or +json), and the body
 * must parse. Each failure has its own code, so a client knows which of its mistakes it made.
 */
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

export function jsonBody() {
  return createMiddleware<AppEnv>(async function jsonBody(c, next) {
    const type = c.req.header('content-type') ?? ''
    if (!JSON_TYPE.test(type)) {
      throw new ProblemError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', {
        field: 'content-type',
        headers: { 'accept-post': 'application/json' },
      })
    }
    const text = await c.req.text()
    try {
      JSON.parse(text)
    } catch (cause) {
      throw new ProblemError(400, 'MALFORMED_JSON', 'the request body is not valid JSON', {
        field: 'body',
        cause,
      })
    }
    await next()
  })
}
