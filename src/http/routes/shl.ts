/**
 * @module http/routes/shl
 * SMART Health Links (docs/SHL.md). Thin: parse → one service call → respond.
 *   POST  /shl/{manifestId}                        the manifest (IG §Manifest Request; public, CORS *)
 *   GET   /shl/{manifestId}?recipient=             a U link's one file (IG §Direct File Request)
 *   GET   /shl/file/{token}                        a manifest `location`: single use, 5 minutes
 *   GET   /api/passport/{id}/records               the holder's records to share (passport key)
 *   GET   /api/passport/{id}/links                 their links and who opened them (passport key)
 *   POST  /api/passport/{id}/links                 make a link (passport key)
 *   PATCH /api/passport/{id}/links/{linkId}        re-label or deactivate (passport key)
 *   GET   /api/credentials/{id}/links              the same for records systems (issuer)
 *   POST  /api/credentials/{id}/links
 *   PATCH /api/credentials/{id}/links/{linkId}
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { SHL_JWE_MEDIA_TYPE } from '../../core/shl/index.ts'
import {
  changeShlLink,
  createShlLink,
  listHolderRecords,
  listShlLinks,
  type Owner,
  ShlLinkChange,
  ShlLinkInput,
  ShlManifestBody,
  serveShlDirect,
  serveShlManifest,
  serveShlTicket,
} from '../../services/shl/index.ts'
import { PASSPORT_KEY_HEADER } from '../../services/trust/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { problem, security } from '../openapi.ts'
import { canonicalUuid } from '../params.ts'

const ManifestId = z.object({
  manifestId: z.string().openapi({ description: '43 base64url characters (256 random bits)' }),
})
const Token = z.object({ token: z.string() })
const Id = z.object({ id: canonicalUuid() })
const LinkId = z.object({ id: canonicalUuid(), linkId: canonicalUuid() })
const KeyHeader = z.object({ [PASSPORT_KEY_HEADER]: z.string().max(64).optional() })

const jose = (description: string) => ({
  description,
  content: { [SHL_JWE_MEDIA_TYPE]: { schema: z.string() } },
})

/** Personal data: never cached, never stored by a shared cache. */
function privateJson<T>(c: Context<AppEnv>, body: T, status: 200 | 201 = 200) {
  c.header('cache-control', 'private, no-store')
  return c.json(body as never, status)
}

/** The citizen's passport key (a missing header is a wrong key: 404, as the passport page). */
const citizen = (c: Context<AppEnv>, id: string): Owner => ({
  id,
  key: c.req.header(PASSPORT_KEY_HEADER) ?? '',
})

export function shlRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/shl/{manifestId}',
      tags: ['shl'],
      summary:
        'SMART Health Link manifest: files as embedded compact JWE or short-lived single-use locations',
      middleware: [jsonBody()] as const,
      request: {
        params: ManifestId,
        body: { required: true, content: { 'application/json': { schema: ShlManifestBody } } },
      },
      responses: {
        200: {
          description: '{ files: [{ contentType, embedded | location, lastUpdated, status }] }',
        },
        401: problem(
          'SHL_PASSCODE_WRONG: wrong or missing passcode; remainingAttempts in the body',
        ),
        404: problem('SHL_NOT_FOUND: deactivated, expired, locked by wrong passcodes, or unknown'),
      },
    }),
    async (c) => {
      const served = await serveShlManifest(c.get('ctx'), {
        manifestId: c.req.valid('param').manifestId,
        body: c.req.valid('json'),
      })
      c.header('cache-control', 'no-store')
      if (served.retryAfter !== undefined) c.header('retry-after', String(served.retryAfter))
      return c.json(served.manifest, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/shl/file/{token}',
      tags: ['shl'],
      summary: "A manifest file's location: serves once, within five minutes",
      request: { params: Token },
      responses: {
        200: jose('the file, compact JWE'),
        404: problem('SHL_FILE_GONE: used, expired, or the link was deactivated'),
      },
    }),
    async (c) => {
      const jwe = await serveShlTicket(c.get('ctx'), c.req.valid('param').token)
      return c.body(jwe, 200, { 'content-type': SHL_JWE_MEDIA_TYPE, 'cache-control': 'no-store' })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/shl/{manifestId}',
      tags: ['shl'],
      summary: "A single-file (U) link's file, fetched directly",
      request: {
        params: ManifestId,
        query: z.object({ recipient: z.string().max(1000).optional() }),
      },
      responses: {
        200: jose('the file, compact JWE'),
        400: problem('VALIDATION: recipient is required'),
        404: problem('SHL_NOT_FOUND'),
      },
    }),
    async (c) => {
      const jwe = await serveShlDirect(c.get('ctx'), {
        manifestId: c.req.valid('param').manifestId,
        recipient: c.req.valid('query').recipient,
      })
      return c.body(jwe, 200, { 'content-type': SHL_JWE_MEDIA_TYPE, 'cache-control': 'no-store' })
    },
  )

  // The citizen's passport page: the passport link's key in a header, as /api/passport/{id}.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/passport/{id}/records',
      tags: ['shl'],
      summary: "The holder's credentials, to choose what a link shares",
      request: { params: Id, headers: KeyHeader },
      responses: {
        200: { description: '{ records: HolderRecord[] }' },
        404: problem('NOT_FOUND: no such passport, or the key does not open it'),
        410: problem('GONE: the personal data was erased'),
      },
    }),
    async (c) =>
      privateJson(c, {
        records: await listHolderRecords(c.get('ctx'), citizen(c, c.req.valid('param').id)),
      }),
  )

  for (const [base, owner, guard] of [
    ['/api/passport/{id}/links', 'citizen', []],
    ['/api/credentials/{id}/links', 'issuer', [requireRole('issuer')]],
  ] as const) {
    const ownerOf = (c: Context<AppEnv>, id: string): Owner =>
      owner === 'citizen' ? citizen(c, id) : { id }
    const headers = owner === 'citizen' ? { headers: KeyHeader } : {}
    const who = owner === 'citizen' ? "the passport link's key" : 'a records system (issuer role)'
    const auth = owner === 'citizen' ? {} : { security }

    app.openapi(
      createRoute({
        method: 'get',
        path: base,
        tags: ['shl'],
        summary: `The holder's SMART Health Links with their access logs (${who})`,
        ...auth,
        middleware: [...guard] as const,
        request: { params: Id, ...headers },
        responses: {
          200: { description: '{ links: ShlLinkView[] }' },
          404: problem('NOT_FOUND'),
        },
      }),
      async (c) =>
        privateJson(c, {
          links: await listShlLinks(c.get('ctx'), ownerOf(c, c.req.valid('param').id)),
        }),
    )

    app.openapi(
      createRoute({
        method: 'post',
        path: base,
        tags: ['shl'],
        summary: `Make a SMART Health Link: the shlink:/ text (with its key) is returned once (${who})`,
        ...auth,
        middleware: [...guard, jsonBody()] as const,
        request: {
          params: Id,
          ...headers,
          body: { required: true, content: { 'application/json': { schema: ShlLinkInput } } },
        },
        responses: {
          201: { description: '{ link, shlink, viewerUrl, qrSvg }' },
          400: problem('VALIDATION: the field at fault (U with a passcode, label > 80, …)'),
          404: problem('NOT_FOUND: the passport, or a credential not the holder’s'),
          409: problem('CONFLICT: a chosen credential is revoked'),
        },
      }),
      async (c) =>
        privateJson(
          c,
          await createShlLink(c.get('ctx'), {
            owner: ownerOf(c, c.req.valid('param').id),
            input: c.req.valid('json'),
          }),
          201,
        ),
    )

    app.openapi(
      createRoute({
        method: 'patch',
        path: `${base}/{linkId}`,
        tags: ['shl'],
        summary: `Re-label a link, or deactivate it ({active: false}): 404 to receivers from then on (${who})`,
        ...auth,
        middleware: [...guard, jsonBody()] as const,
        request: {
          params: LinkId,
          ...headers,
          body: { required: true, content: { 'application/json': { schema: ShlLinkChange } } },
        },
        responses: {
          200: { description: 'ShlLinkView' },
          404: problem('NOT_FOUND'),
        },
      }),
      async (c) => {
        const { id, linkId } = c.req.valid('param')
        return privateJson(
          c,
          await changeShlLink(c.get('ctx'), {
            owner: ownerOf(c, id),
            linkId,
            change: c.req.valid('json'),
          }),
        )
      },
    )
  }

  return app
}
