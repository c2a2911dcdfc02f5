/**
 * The one error handler tells a client that went away from a database connection that was reset:
 * both carry `ECONNRESET`, but only the first is the client's doing (400 REQUEST_ABORTED, nobody
 * reads it); the second is a 503 with Retry-After.
 */
import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { handleError } from '../../src/http/errors.ts'

function context(aborted = false) {
  const controller = new AbortController()
  if (aborted) controller.abort()
  const raw = new Request('http://localhost/api/credentials', {
    method: 'POST',
    signal: controller.signal,
  })
  const values: Record<string, unknown> = { requestId: 'r1', deps: undefined }
  return { get: (k: string) => values[k], req: { url: raw.url, raw } } as unknown as Context
}

function resetError(message: string, syscall?: string) {
  return Object.assign(new Error(message), { code: 'ECONNRESET', errno: -104, syscall })
}

describe('client gone vs database gone', () => {
  it('a request stream "aborted" (or an aborted signal) is REQUEST_ABORTED', async () => {
    const a = handleError(resetError('aborted'), context())
    expect(a.status).toBe(400)
    expect((await a.json()).code).toBe('REQUEST_ABORTED')
    const b = handleError(new Error('whatever'), context(true))
    expect((await b.json()).code).toBe('REQUEST_ABORTED')
  })

  it('a database socket reset is 503 DATABASE_UNAVAILABLE with Retry-After', async () => {
    const res = handleError(resetError('read ECONNRESET', 'read'), context())
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).not.toBeNull()
    expect((await res.json()).code).toBe('DATABASE_UNAVAILABLE')
  })
})
