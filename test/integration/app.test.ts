/**
 * The HTTP contract every later route relies on, through app.request() on each engine:
 * health, readiness, OpenAPI, docs, and problem+json for every kind of bad request.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonBody } from '../../src/http/middleware/json-body.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const problem = z.object({
  type: z.string().url(),
  title: z.string(),
  status: z.number(),
  code: z.string(),
  detail: z.string(),
  requestId: z.string(),
})

async function expectProblem(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = problem.passthrough().parse(await res.json())
  expect(body.code).toBe(code)
  expect(body.status).toBe(status)
  if (field !== undefined) expect(body.field).toBe(field)
  return body
}

describe.each(ENGINES)('HTTP foundation on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine, { VIGIL_BODY_LIMIT: '4096' })
    // A JSON route shaped like the real ones (later issues add theirs), to drive the edge checks.
    t.app.openapi(
      createRoute({
        method: 'post',
        path: '/api/test-echo',
        middleware: [jsonBody()] as const,
        request: {
          body: {
            content: {
              'application/json': {
                schema: z.object({ name: z.string().min(1), dose: z.number().int().min(1) }),
              },
            },
          },
        },
        responses: { 200: { description: 'echo' } },
      }),
      (c) => c.json(c.req.valid('json'), 200),
    )
  })
  afterAll(() => t?.close())

  const post = (body: string, type = 'application/json') =>
    t.app.request('/api/test-echo', { method: 'POST', body, headers: { 'content-type': type } })

  it('GET /healthz answers ok with the version', async () => {
    const res = await t.app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', version: 'test' })
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('GET /readyz reports the engine, and 503 DATABASE_UNAVAILABLE once the database is gone', async () => {
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready', database: engine })
  })

  it('a valid JSON body passes validation', async () => {
    const res = await post(JSON.stringify({ name: 'a', dose: 2 }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'a', dose: 2 })
  })

  it('malformed JSON is 400 MALFORMED_JSON', async () => {
    await expectProblem(await post('{"name": "a",'), 400, 'MALFORMED_JSON', 'body')
  })

  it('a wrong content type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post('name=a', 'application/x-www-form-urlencoded')
    await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type')
  })

  it('a schema violation is 400 VALIDATION naming the field', async () => {
    const body = await expectProblem(
      await post(JSON.stringify({ name: 'a', dose: 0 })),
      400,
      'VALIDATION',
    )
    expect(body.field).toBe('body.dose')
  })

  it('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(5000), dose: 1 }))
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE', 'body')
  })

  it('with a Content-Length, the header is the size checked (at the limit passes, one over is 413)', async () => {
    const sized = (body: string) =>
      t.app.request('/api/test-echo', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      })
    const at = JSON.stringify({ name: 'x'.repeat(4096 - 20), dose: 1 })
    expect(at.length).toBe(4096)
    expect((await sized(at)).status).toBe(200)
    const over = JSON.stringify({ name: 'x'.repeat(4096 - 19), dose: 1 })
    await expectProblem(await sized(over), 413, 'PAYLOAD_TOO_LARGE', 'body')
  })

  it('an unknown route is 404 NOT_FOUND', async () => {
    await expectProblem(await t.app.request('/no/such/thing'), 404, 'NOT_FOUND')
  })

  it('a known route with a bad method is 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const res = await t.app.request('/healthz', { method: 'DELETE' })
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED', 'method')
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })

  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8'

  it('a browser gets an HTML 404 page in its language, with the code and request id', async () => {
    const res = await t.app.request('/nonexistent', {
      headers: { accept: BROWSER, 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('vary')).toBe('Accept, Accept-Language')
    const html = await res.text()
    expect(html).toContain('<html lang="es">')
    expect(html).toContain('No hay ninguna página en esta dirección')
    expect(html).toContain('href="/"')
    expect(html).toContain('NOT_FOUND')
    expect(html).toMatch(/id de la solicitud [\w-]{8,}/)
    const en = await t.app.request('/nonexistent', { headers: { accept: BROWSER } })
    expect(await en.text()).toContain('There is no page at this address')
  })

  it('a browser gets an HTML 405 page that keeps Allow', async () => {
    const res = await t.app.request('/healthz', { method: 'DELETE', headers: { accept: BROWSER } })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await res.text()).toContain('METHOD_NOT_ALLOWED')
  })

  it('API clients keep problem+json: JSON accept types, */*, and any /api/ path', async () => {
    for (const accept of [
      'application/json',
      'application/problem+json',
      '*/*',
      'text/html;q=0.5, application/json',
    ])
      await expectProblem(
        await t.app.request('/nonexistent', { headers: { accept } }),
        404,
        'NOT_FOUND',
      )
    await expectProblem(
      await t.app.request('/api/nonexistent', { headers: { accept: BROWSER } }),
      404,
      'NOT_FOUND',
    )
    const res = await t.app.request('/healthz', {
      method: 'DELETE',
      headers: { accept: 'application/json' },
    })
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED', 'method')
  })

  it('the five edge failures have five distinct codes', async () => {
    const codes = new Set<string>()
    for (const res of [
      await post('{'),
      await post('x', 'text/plain'),
      await post(JSON.stringify({ name: 'x'.repeat(5000), dose: 1 })),
      await t.app.request('/nope'),
      await t.app.request('/healthz', { method: 'PUT' }),
    ]) {
      codes.add(((await res.json()) as { code: string }).code)
    }
    expect(codes.size).toBe(5)
  })

  it('public CORS: a preflight answers as hono cors(); answers, errors included, carry the origin and exposed headers', async () => {
    const manifest = `/shl/${'A'.repeat(43)}`
    const pre = await t.app.request(manifest, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://clinic.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS')
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type')
    expect(pre.headers.get('access-control-max-age')).toBe('86400')
    const unknown = await t.app.request(manifest, {
      method: 'POST',
      headers: { origin: 'https://clinic.example', 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: 'Clinic' }),
    })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*')
    expect(unknown.headers.get('access-control-expose-headers')).toBe('retry-after')
    expect(unknown.headers.get('content-security-policy')).toContain("default-src 'self'")
    const bad = await t.app.request('/log/proof/inclusion?index=x')
    expect(bad.status).toBe(400)
    expect(bad.headers.get('access-control-allow-origin')).toBe('*')
    // Not a public resource: no CORS.
    const staff = await t.app.request('/api/credentials')
    expect(staff.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await t.app.request('/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const doc = (await res.json()) as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/keys']),
    )
    expect(doc.paths['/api/test-echo']?.post).toBeDefined()
  })

  it('serves a readable API reference at /docs listing every operation', async () => {
    const res = await t.app.request('/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    for (const path of ['/healthz', '/readyz', '/api/keys', '/api/test-echo'])
      expect(html).toContain(`<code>${path}</code>`)
    expect(html).not.toMatch(/<script/i)
  })

  it('sets security headers', async () => {
    const res = await t.app.request('/healthz')
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('lets only the verifier page connect to other deployments (connect-src https:)', async () => {
    const directive = async (path: string) => {
      const csp = (await t.app.request(path)).headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      return csp
        .split(';')
        .find((d) => d.trim().startsWith('connect-src'))
        ?.trim()
    }
    for (const path of ['/verify', '/verify.html']) {
      const connect = await directive(path)
      expect(connect?.split(/\s+/).slice(0, 3)).toEqual(['connect-src', "'self'", 'https:'])
    }
    for (const path of ['/healthz', '/passport.html', '/log.html', '/verify/x', '/api/keys'])
      expect(await directive(path), path).toBe("connect-src 'self'")
  })

  it('GET /api/keys publishes the log vkey and the issuer JWK, never private material', async () => {
    const res = await t.app.request('/api/keys')
    expect(res.status).toBe(200)
    const { keys } = (await res.json()) as {
      keys: { purpose: string; vkey?: string; jwk: Record<string, string> }[]
    }
    const log = keys.find((k) => k.purpose === 'log')
    const issuer = keys.find((k) => k.purpose === 'issuer')
    expect(log?.vkey).toMatch(/^localhost:8787\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/)
    expect(issuer?.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' })
    for (const k of keys) expect(k.jwk.d).toBeUndefined()
  })

  it('a database failure is 503 DATABASE_UNAVAILABLE, not 500', async () => {
    await t.database.close()
    await expectProblem(await t.app.request('/readyz'), 503, 'DATABASE_UNAVAILABLE')
  })
})
