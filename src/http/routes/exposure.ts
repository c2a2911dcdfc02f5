/**
 * Exposure reports (docs/EXPOSURE.md): tracers issue and manage verification codes (role tracer);
 * devices redeem a code for a token, the token for a certificate, and publish keys; everyone
 * downloads the signed exports. Device routes read no address, no user agent and log nothing
 * personal; `X-Chaff` publishes are answered alike and stored nowhere.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import {
  chaffResponse,
  codeHandover,
  codePlaces,
  codeStatus,
  issueCertificate,
  issueCode,
  issueCodes,
  listCodes,
  lookUpCode,
  MAX_CODE_PAGE,
  publish,
  revokeCode,
  TEST_TYPES,
  verifyCode,
} from '../../services/exposure/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { clientKey } from '../middleware/session.ts'
import { security } from '../openapi.ts'
import { canonicalUuid } from '../params.ts'

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const CodeInput = z
  .object({
    testType: z.enum(TEST_TYPES),
    symptomDate: Day.optional(),
    testDate: Day.optional(),
    region: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code such as NL-NH')
      .optional()
      .openapi({ description: 'Region of the case, for de-identified statistics only' }),
  })
  .openapi('ExposureCodeInput')
const Issued = z
  .object({
    id: z.string(),
    code: z.string(),
    longCode: z.string(),
    expiresAt: z.string(),
    longExpiresAt: z.string(),
  })
  .openapi('ExposureCode')
const Status = z
  .object({
    id: z.string(),
    status: z.enum(['unused', 'used', 'expired', 'revoked']),
    testType: z.string(),
    expiresAt: z.string(),
    longExpiresAt: z.string(),
  })
  .openapi('ExposureCodeStatus')
const Id = z.object({ id: canonicalUuid() })
const ListItem = Status.extend({
  region: z.string().nullable(),
  issuedAt: z.string(),
  mine: z.boolean().openapi({ description: 'Issued by the caller' }),
}).openapi('ExposureCodeListItem')
const ListQuery = z.object({
  before: z.string().max(80).optional().openapi({ description: "The previous page's `next`" }),
  limit: z.coerce.number().int().min(1).max(MAX_CODE_PAGE).optional(),
})
const Place = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(['country', 'region', 'district']),
    parent: z.string().nullable(),
  })
  .openapi('ExposurePlace')

const PublishBody = z
  .object({
    temporaryExposureKeys: z
      .array(
        z.object({
          key: z.string().max(64),
          rollingStartNumber: z.number().int(),
          rollingPeriod: z.number().int(),
          transmissionRisk: z.number().int().optional(),
        }),
      )
      .max(1000),
    healthAuthorityID: z.string().max(100),
    verificationPayload: z.string().max(4096),
    hmacKey: z.string().max(256),
    symptomOnsetInterval: z.number().int().optional(),
    traveler: z.boolean().optional(),
    revisionToken: z.string().max(8192).optional(),
    padding: z.string().max(65536).optional(),
  })
  .openapi('ExposurePublish')

const noStore = (c: Context<AppEnv>) => c.header('cache-control', 'no-store')

export function exposureRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const tracer = requireRole('tracer')

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/codes',
      tags: ['exposure'],
      summary:
        'Issue a verification code for a positive test (short 8 digits/15 min, long 16 chars/24 h)',
      security,
      middleware: [tracer, jsonBody()] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CodeInput } } } },
      responses: {
        201: { description: 'issued', content: { 'application/json': { schema: Issued } } },
      },
    }),
    async (c) => {
      const issued = await issueCode(c.get('ctx'), c.req.valid('json'))
      noStore(c)
      return c.json(issued, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/codes/batch',
      tags: ['exposure'],
      summary: 'Issue codes for a case list (up to 100 per call)',
      security,
      middleware: [tracer, jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': { schema: z.object({ cases: z.array(CodeInput).max(1000) }) },
          },
        },
      },
      responses: {
        201: {
          description: 'issued',
          content: { 'application/json': { schema: z.object({ codes: z.array(Issued) }) } },
        },
      },
    }),
    async (c) => {
      const codes = await issueCodes(c.get('ctx'), c.req.valid('json').cases)
      noStore(c)
      return c.json({ codes }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/exposure/codes',
      tags: ['exposure'],
      summary:
        "The deployment's codes, newest first, with their status (every tracer sees them all)",
      security,
      middleware: [tracer] as const,
      request: { query: ListQuery },
      responses: {
        200: {
          description: 'a page',
          content: {
            'application/json': {
              schema: z.object({ codes: z.array(ListItem), next: z.string().nullable() }),
            },
          },
        },
      },
    }),
    async (c) => {
      const page = await listCodes(c.get('ctx'), c.req.valid('query'))
      noStore(c)
      return c.json(page, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/codes/lookup',
      tags: ['exposure'],
      summary: 'Status of the code a person quotes (matched by its HMAC; the code is not kept)',
      security,
      middleware: [tracer, jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': { schema: z.object({ code: z.string().min(1).max(64) }) },
          },
        },
      },
      responses: {
        200: { description: 'status', content: { 'application/json': { schema: ListItem } } },
      },
    }),
    async (c) => {
      const found = await lookUpCode(c.get('ctx'), c.req.valid('json').code)
      noStore(c)
      return c.json(found, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/exposure/regions',
      tags: ['exposure'],
      summary: 'The regions and districts a code may name (the loaded place hierarchy)',
      security,
      middleware: [tracer] as const,
      responses: {
        200: {
          description: 'places',
          content: { 'application/json': { schema: z.object({ places: z.array(Place) }) } },
        },
      },
    }),
    async (c) => c.json({ places: await codePlaces(c.get('ctx')) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/codes/handover',
      tags: ['exposure'],
      summary: "The citizen page's link carrying a code (in the fragment) and its QR code as SVG",
      security,
      middleware: [tracer, jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': { schema: z.object({ code: z.string().min(1).max(64) }) },
          },
        },
      },
      responses: {
        200: {
          description: 'link and QR',
          content: {
            'application/json': { schema: z.object({ link: z.string(), svg: z.string() }) },
          },
        },
      },
    }),
    async (c) => {
      const out = await codeHandover(c.get('ctx'), c.req.valid('json').code)
      noStore(c)
      return c.json(out, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/exposure/codes/{id}',
      tags: ['exposure'],
      summary: 'Status of a code: unused, used, expired or revoked (never the keys)',
      security,
      middleware: [tracer] as const,
      request: { params: Id },
      responses: {
        200: { description: 'status', content: { 'application/json': { schema: Status } } },
      },
    }),
    async (c) => {
      const status = await codeStatus(c.get('ctx'), c.req.valid('param').id)
      noStore(c)
      return c.json(status, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/codes/{id}/revoke',
      tags: ['exposure'],
      summary: 'Revoke an unused code',
      security,
      middleware: [tracer] as const,
      request: { params: Id },
      responses: {
        200: { description: 'revoked', content: { 'application/json': { schema: Status } } },
      },
    }),
    async (c) => {
      const status = await revokeCode(c.get('ctx'), c.req.valid('param').id)
      return c.json(status, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/verify',
      tags: ['exposure'],
      summary: 'Device: redeem a code (once) for a token',
      middleware: [jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                code: z.string().min(1).max(64),
                accept: z.array(z.string()).max(10).optional(),
                padding: z.string().max(65536).optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'a one-time token',
          content: {
            'application/json': {
              schema: z.object({
                token: z.string(),
                testtype: z.string(),
                symptomDate: z.string().optional(),
                padding: z.string(),
              }),
            },
          },
        },
      },
    }),
    async (c) => {
      // The guessing limit counts per client; the service gets a key for it, never the address.
      const out = await verifyCode(c.get('ctx'), {
        code: c.req.valid('json').code,
        client: clientKey(c),
      })
      noStore(c)
      return c.json(out, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/certificate',
      tags: ['exposure'],
      summary: "Device: exchange the token and the keys' HMAC for a verification certificate",
      middleware: [jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                token: z.string().min(1).max(256),
                ekeyhmac: z.string().max(128),
                padding: z.string().max(65536).optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'an ES256 certificate, 15 minutes',
          content: {
            'application/json': {
              schema: z.object({ certificate: z.string(), padding: z.string() }),
            },
          },
        },
      },
    }),
    async (c) => {
      const out = await issueCertificate(c.get('ctx'), c.req.valid('json'))
      noStore(c)
      return c.json(out, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exposure/publish',
      tags: ['exposure'],
      summary: 'Device: publish temporary exposure keys (GAEN publish request; X-Chaff for chaff)',
      middleware: [jsonBody()] as const,
      request: {
        body: { required: true, content: { 'application/json': { schema: PublishBody } } },
      },
      responses: {
        200: {
          description: 'published (or chaff, answered alike)',
          content: {
            'application/json': {
              schema: z.object({
                revisionToken: z.string(),
                insertedExposures: z.number(),
                code: z.string().optional(),
                warnings: z.array(z.string()).optional(),
                padding: z.string(),
              }),
            },
          },
        },
      },
    }),
    async (c) => {
      const chaff = c.req.header('x-chaff') !== undefined
      noStore(c)
      return c.json(await (chaff ? chaffResponse : publish)(c.get('ctx'), c.req.valid('json')), 200)
    },
  )

  return app
}
