/**
 * @module http/routes/release
 * The web pages' releases (docs/RELEASES.md). Public and cross-origin: monitors compare the feed
 * with the log's `verifier-release` entries, and a venue's service worker proves a release's
 * inclusion before it activates it.
 *   GET /release/feed.json   every published release, newest first
 *   GET /release/{n}.json    release n's manifest, byte for byte as logged
 * The current build's manifest is the static file /release.json (web/dist).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { listWebReleases, webReleaseText } from '../../services/trust/index.ts'
import type { AppEnv } from '../env.ts'
import { ProblemError } from '../problem.ts'

const Release = z
  .object({
    release: z.number().int(),
    sha256: z.string().openapi({ description: 'hex SHA-256 of the manifest bytes' }),
    version: z.string(),
    commit: z.string(),
    leafIndex: z.number().int().nullable(),
    entryTime: z.number().int().openapi({ description: 'the ledger entry time (whole hour)' }),
    publishedAt: z.string(),
  })
  .openapi('WebRelease')

export function releaseRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/release/feed.json',
      tags: ['verify'],
      summary:
        'The release feed: every web release this deployment has published, each a verifier-release ledger entry (key id web:<release>)',
      responses: {
        200: {
          description: 'newest first',
          content: { 'application/json': { schema: z.object({ releases: z.array(Release) }) } },
        },
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-cache')
      return c.json({ releases: await listWebReleases(c.get('ctx')) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/release/{file}',
      tags: ['verify'],
      summary: "A release's manifest (vigil-release/v1), the exact bytes the ledger commits to",
      request: {
        params: z.object({
          file: z
            .string()
            .regex(/^[1-9]\d{0,8}\.json$/)
            .openapi({ example: '1.json' }),
        }),
      },
      responses: {
        200: { description: 'the manifest (application/json)' },
        404: { description: 'no such release' },
      },
    }),
    async (c) => {
      const file = c.req.valid('param').file
      const text = await webReleaseText(c.get('ctx'), Number(file.slice(0, -5)))
      if (text === undefined) {
        throw new ProblemError(
          404,
          'RELEASE_NOT_FOUND',
          `release ${file.slice(0, -5)} was not published`,
          {
            field: 'file',
          },
        )
      }
      c.header('cache-control', 'public, max-age=31536000, immutable')
      // The stored bytes as they are (their hash is logged), not re-serialised JSON.
      return c.body(text as never, 200, { 'content-type': 'application/json' })
    },
  )
  return app
}
