/**
 * The published exports (docs/EXPOSURE.md; the GAEN export file format), public and CORS *:
 * `index.txt` lists every export file oldest first (short cache), each `<start>-<end>-<NNNNN>.zip`
 * is immutable (its SHA-256 is in the ledger), and the export verification key is served as PEM and
 * JWK so that anyone can check export.sig.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { spkiToPem } from '../../core/gaen/index.ts'
import { exportFile, exportIndex, exposureKey } from '../../services/exposure/index.ts'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'

export function exposureExportRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/exposure/index.txt',
      tags: ['exposure'],
      summary: 'The export files, one relative path per line, oldest first and newest last',
      responses: { 200: { description: 'text/plain list of export paths' } },
    }),
    async (c) => {
      const body = await exportIndex(c.get('ctx'))
      c.header('cache-control', 'public, max-age=300')
      return c.body(body, 200, { 'content-type': 'text/plain; charset=us-ascii' })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/exposure/export-key.pem',
      tags: ['exposure'],
      summary: 'The P-256 public key that verifies export.sig (SPKI PEM)',
      responses: { 200: { description: 'PEM public key' } },
    }),
    async (c) => {
      const key = await exposureKey(c.get('ctx'), 'export')
      c.header('cache-control', 'public, max-age=3600')
      c.header('x-key-id', key.id)
      return c.body(spkiToPem(key.spki), 200, { 'content-type': 'application/x-pem-file' })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/exposure/export-key.jwk',
      tags: ['exposure'],
      summary: 'The P-256 public key that verifies export.sig (JWK)',
      responses: { 200: { description: 'JWK public key' } },
    }),
    async (c) => {
      const key = await exposureKey(c.get('ctx'), 'export')
      const jwk = await crypto.subtle.exportKey('jwk', key.publicKey)
      c.header('cache-control', 'public, max-age=3600')
      return c.json(
        { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: key.id, alg: 'ES256', use: 'sig' },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/exposure/{file}',
      tags: ['exposure'],
      summary: 'One signed export.zip (export.bin + export.sig); immutable',
      request: {
        params: z.object({
          file: z.string().max(64).openapi({ example: '1795996800-1796018400-00001.zip' }),
        }),
      },
      responses: {
        200: { description: 'application/zip' },
        404: { description: 'no such export' },
      },
    }),
    async (c) => {
      const { file } = c.req.valid('param')
      const zip = await exportFile(c.get('ctx'), file)
      if (zip === undefined)
        throw new ProblemError(404, 'EXPORT_NOT_FOUND', `${file} is not a published export`)
      c.header('cache-control', 'public, max-age=31536000, immutable')
      return c.body(zip as never, 200, { 'content-type': 'application/zip' })
    },
  )

  return app
}
