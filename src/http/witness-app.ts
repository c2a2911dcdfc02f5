/**
 * @module http/witness-app
 * The HTTP face of `vigil witness` (c2sp.org/tlog-witness): `POST /witness/add-checkpoint` with
 * the spec's bodies and status codes (200 cosignature lines; 409 `text/x.tlog.size`; refusals as
 * problem+json naming the reason), `GET /witness/<sha256(origin) hex>/checkpoint` for monitors,
 * `GET /witness/evidence` (public evidence of inconsistent logs) and `GET /witness` (name, key,
 * logs followed). A separate app from the service's: a witness serves nothing else.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { formatSize, MAX_REQUEST_LENGTH, SIZE_MEDIA_TYPE } from '../core/witness/index.ts'
import { isDatabaseUnavailable } from '../platform/db/index.ts'
import type { Witness } from '../services/witness/index.ts'
import { databaseUnavailable } from './errors.ts'
import { problemResponse } from './problem.ts'

export function createWitnessApp(witness: Witness, version: string) {
  const app = new Hono()
  app.use(
    bodyLimit({
      maxSize: MAX_REQUEST_LENGTH,
      onError: () =>
        problemResponse(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large', {
          field: 'body',
        }),
    }),
  )
  app.get('/healthz', (c) => c.json({ status: 'ok', version }))
  app.get('/witness', async (c) => c.json(await witness.info()))

  app.post('/witness/add-checkpoint', async (c) => {
    const result = await witness.addCheckpoint(await c.req.text())
    if (result.status === 200) {
      return c.body(result.lines, 200, { 'content-type': 'text/plain; charset=utf-8' })
    }
    if (result.status === 409) {
      return c.body(formatSize(result.size), 409, { 'content-type': SIZE_MEDIA_TYPE })
    }
    return problemResponse(result.status, result.code, result.message, {})
  })

  app.get('/witness/evidence', async (c) => {
    c.header('cache-control', 'no-store')
    return c.json({ evidence: await witness.evidence() })
  })

  app.get('/witness/:hash/checkpoint', async (c) => {
    const hash = c.req.param('hash')
    const note = /^[0-9a-f]{64}$/.test(hash) ? await witness.latest(hash) : undefined
    if (note === undefined)
      return problemResponse(404, 'WITNESS_NO_CHECKPOINT', 'no cosigned checkpoint for this log', {
        field: 'hash',
      })
    c.header('cache-control', 'no-store')
    return c.text(note, 200)
  })

  app.notFound(() => problemResponse(404, 'NOT_FOUND', 'no such resource', {}))
  app.onError((err) => {
    if (isDatabaseUnavailable(err)) return databaseUnavailable({})
    console.error(err)
    return problemResponse(500, 'INTERNAL', 'internal error', {})
  })
  return app
}
