/**
 * @module http/routes/trust
 * What verifiers trust, and the pages that use it. Thin: parse → one service call → respond.
 *   GET    /trust/material                      signed trust material (public, CORS *, cacheable)
 *   GET    /api/trust/issuers                   the SHC issuers an admin trusts (admin)
 *   PUT    /api/trust/issuers                   add or replace one (admin)
 *   DELETE /api/trust/issuers?iss=              remove one (admin)
 *   GET    /api/trust/rules                     entry rule-set releases (admin)
 *   POST   /api/trust/rules                     publish a release: a ledger entry (admin)
 *   GET    /api/trust/directory                 the issuer directory's names (admin)
 *   PUT    /api/trust/directory                 replace it from VCI directory JSON (admin)
 *   GET    /api/credentials/{id}/passport-link  the citizen's capability link (issuer)
 *   GET    /api/passport/{id}                   the passport page's data (the link's key, no role)
 *   GET    /verify, /passport/{id}              the built pages (web/dist), on Node and Workers
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { TRUST_MATERIAL_MEDIA_TYPE } from '../../core/verify/index.ts'
import {
  importIssuerDirectory,
  listIssuerDirectory,
  listRuleReleases,
  listTrustedIssuers,
  PASSPORT_KEY_HEADER,
  passportLink,
  publishRuleSets,
  putTrustedIssuer,
  readPassport,
  removeTrustedIssuer,
  signedTrustMaterial,
} from '../../services/trust/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { problem, security } from '../openapi.ts'
import { canonicalUuid, filterText } from '../params.ts'

const Id = z.object({ id: canonicalUuid() })

const TrustedIssuerBody = z
  .object({
    iss: z
      .string()
      .min(1)
      .max(2048)
      .openapi({ example: 'https://spec.smarthealth.cards/examples/issuer' }),
    name: z.string().min(1).max(200).openapi({ example: 'SMART Health Cards example issuer' }),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(1000) })
      .openapi({ description: "The issuer's JWK Set (<iss>/.well-known/jwks.json)" }),
    crls: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'CRLs by kid, {kid, method: "rid", ctr, rids}' }),
  })
  .openapi('TrustedIssuerInput')
const TrustedIssuerView = z
  .object({
    iss: z.string(),
    name: z.string(),
    keys: z.array(z.object({ kid: z.string(), crlVersion: z.number().nullable() })),
    crls: z.record(z.string(), z.number()),
    addedBy: z.string(),
    addedAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TrustedIssuer')

const RuleRelease = z
  .object({
    release: z.number().int(),
    sha256: z.string().openapi({ description: 'SHA-256 of the text: the ledger entry artefact' }),
    ruleSets: z.array(z.string()),
    publishedBy: z.string(),
    publishedAt: z.string(),
    leafIndex: z.number().int().nullable(),
  })
  .openapi('RuleRelease')
const RulesBody = z
  .object({
    text: z
      .string()
      .min(1)
      .max(64 * 1024)
      .openapi({ description: 'A vigil-rules/v1 JSON document, as text: its bytes are logged' }),
  })
  .openapi('RuleSetsInput')
const DirectoryEntry = z
  .object({
    iss: z.string(),
    name: z.string(),
    website: z.string().optional(),
    canonicalIss: z.string().optional(),
  })
  .openapi('DirectoryEntry')
const VciDirectory = z
  .object({
    participating_issuers: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(5000)
      .openapi({ description: '{iss, name, website?, canonical_iss?} as the VCI directory' }),
  })
  .openapi('VciDirectory')

export function trustRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const admin = requireRole('admin')

  app.openapi(
    createRoute({
      method: 'get',
      path: '/trust/material',
      tags: ['verify'],
      summary:
        "Trust material for verifiers: issuers' key sets and CRLs, the log's vkey, witness policy and latest checkpoint, as a JWS (EdDSA) signed with the log key",
      responses: {
        200: {
          description: 'compact JWS; payload JSON format vigil-trust/v1',
          content: { [TRUST_MATERIAL_MEDIA_TYPE]: { schema: z.string() } },
        },
      },
    }),
    async (c) => {
      const jws = await signedTrustMaterial(c.get('ctx'))
      c.header('cache-control', 'public, max-age=60')
      return c.body(jws, 200, { 'content-type': TRUST_MATERIAL_MEDIA_TYPE })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/trust/issuers',
      tags: ['verify'],
      summary: 'SMART Health Card issuers other than this deployment that its verifiers trust',
      security,
      middleware: [admin] as const,
      responses: {
        200: {
          description: 'the list',
          content: {
            'application/json': { schema: z.object({ issuers: z.array(TrustedIssuerView) }) },
          },
        },
      },
    }),
    async (c) => c.json({ issuers: await listTrustedIssuers(c.get('ctx')) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/trust/issuers',
      tags: ['verify'],
      summary: 'Trust an SHC issuer (or replace its keys and CRLs): it joins the trust material',
      security,
      middleware: [admin, jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: TrustedIssuerBody } } },
      },
      responses: {
        200: {
          description: 'replaced',
          content: { 'application/json': { schema: TrustedIssuerView } },
        },
        201: {
          description: 'added',
          content: { 'application/json': { schema: TrustedIssuerView } },
        },
        400: problem('VALIDATION: iss, name, jwks or a CRL at fault (field)'),
      },
    }),
    async (c) => {
      const result = await putTrustedIssuer(c.get('ctx'), c.req.valid('json'))
      return c.json(result.issuer, result.created ? 201 : 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/trust/issuers',
      tags: ['verify'],
      summary: 'Stop trusting an issuer (verifiers drop it at their next refresh)',
      security,
      middleware: [admin] as const,
      request: { query: z.object({ iss: filterText(2048) }) },
      responses: { 204: { description: 'removed' }, 404: problem('NOT_FOUND') },
    }),
    async (c) => {
      await removeTrustedIssuer(c.get('ctx'), c.req.valid('query').iss)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/trust/rules',
      tags: ['verify'],
      summary: 'Releases of the entry rule sets, newest first, with their ledger indices',
      security,
      middleware: [admin] as const,
      responses: {
        200: {
          description: 'the releases',
          content: { 'application/json': { schema: z.object({ releases: z.array(RuleRelease) }) } },
        },
      },
    }),
    async (c) => c.json({ releases: await listRuleReleases(c.get('ctx')) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/trust/rules',
      tags: ['verify'],
      summary:
        'Publish entry rule sets (vigil-rules/v1): the next release, logged as a verifier-release entry and served in the trust material',
      security,
      middleware: [admin, jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: RulesBody } } },
      },
      responses: {
        201: {
          description: 'published',
          content: { 'application/json': { schema: RuleRelease } },
        },
        400: problem('VALIDATION: the rule-set field at fault (field)'),
        409: problem('CONFLICT: another release was published at the same time'),
      },
    }),
    async (c) => c.json(await publishRuleSets(c.get('ctx'), c.req.valid('json')), 201),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/trust/directory',
      tags: ['verify'],
      summary: 'The issuer directory: display names of SHC issuers (served in the trust material)',
      security,
      middleware: [admin] as const,
      responses: {
        200: {
          description: 'the directory',
          content: {
            'application/json': { schema: z.object({ issuers: z.array(DirectoryEntry) }) },
          },
        },
      },
    }),
    async (c) => c.json({ issuers: await listIssuerDirectory(c.get('ctx')) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/trust/directory',
      tags: ['verify'],
      summary: "Replace the issuer directory from the VCI directory's JSON format",
      security,
      middleware: [admin, jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: VciDirectory } } },
      },
      responses: {
        200: {
          description: 'imported',
          content: { 'application/json': { schema: z.object({ imported: z.number().int() }) } },
        },
        400: problem('VALIDATION: the directory entry at fault (field)'),
      },
    }),
    async (c) =>
      c.json(await importIssuerDirectory(c.get('ctx'), { json: c.req.valid('json') }), 200),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/credentials/{id}/passport-link',
      tags: ['credentials'],
      summary:
        "The citizen's passport link: /passport/{id}#k=<key>, a capability (HMAC of the id) to hand over",
      security,
      middleware: [requireRole('issuer')] as const,
      request: { params: Id },
      responses: {
        200: {
          description: 'the link',
          content: {
            'application/json': { schema: z.object({ id: z.string(), url: z.string() }) },
          },
        },
      },
    }),
    async (c) => {
      c.header('cache-control', 'private, no-store')
      return c.json(await passportLink(c.get('ctx'), c.req.valid('param').id), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/passport/{id}',
      tags: ['credentials'],
      summary: `The passport page's data (QR, file, summary, ledger receipt); needs the link's key in ${PASSPORT_KEY_HEADER}`,
      request: {
        params: Id,
        headers: z.object({ [PASSPORT_KEY_HEADER]: z.string().max(64).optional() }),
      },
      responses: {
        200: { description: "the holder's card (personal data: private, no-store)" },
        404: problem('NOT_FOUND: no such credential, or the key does not open it'),
        410: problem('GONE: the personal data was erased'),
      },
    }),
    async (c) => {
      const view = await readPassport(c.get('ctx'), {
        id: c.req.valid('param').id,
        key: c.req.header(PASSPORT_KEY_HEADER),
      })
      c.header('cache-control', 'private, no-store')
      return c.json(view, 200)
    },
  )

  return app
}

/** Sends a request through the whole app again (Node: the static-file middleware answers). */
export type Dispatch = (request: Request) => Response | Promise<Response>

interface AssetsBinding {
  fetch(request: Request): Promise<Response>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * `/verify` → web/dist/verify.html and `/passport/{id}` → web/dist/passport.html. On Workers the
 * assets binding serves `/verify` itself (html_handling) and is asked for `/passport`; on Node
 * the request is sent through the app again for the `.html` file, which the static-file
 * middleware serves with the app's security headers.
 */
export function pageRoutes(dispatch: Dispatch) {
  const app = new OpenAPIHono<AppEnv>()
  const page = (name: 'verify' | 'passport') => async (c: Context<AppEnv>) => {
    const assets = (c.env as { ASSETS?: AssetsBinding } | undefined)?.ASSETS
    if (assets !== undefined) return assets.fetch(new Request(new URL(`/${name}`, c.req.url)))
    const url = new URL(`/${name}.html`, c.req.url)
    return dispatch(new Request(url, { method: c.req.method, headers: c.req.raw.headers }))
  }
  app.get('/verify', page('verify'))
  app.get('/passport/:id', async (c, next) => {
    if (!UUID.test(c.req.param('id'))) return next()
    return page('passport')(c)
  })
  return app
}
