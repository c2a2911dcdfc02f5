/**
 * @module http/routes/staff-admin
 * People and invitations (role `admin`): list people, change their roles or name, disable or
 * enable them, see their sessions and end one or all, issue a re-enrolment link for one
 * who lost their passkeys; create (the link is in this one response), list and revoke invitations. API tokens are in ./tokens.ts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { ROLES } from '../../platform/context/index.ts'
import {
  createInvitation,
  createReenrolment,
  DEFAULT_INVITATION_HOURS,
  DEFAULT_REENROL_HOURS,
  displayName,
  endSessionOf,
  getPerson,
  listInvitations,
  listPeople,
  listSessionsOf,
  MAX_INVITATION_HOURS,
  revokeInvitation,
  signOutPerson,
  updatePerson,
} from '../../services/staff/index.ts'
import type { AppEnv } from '../env.ts'
import { requireRole } from '../middleware/auth.ts'
import { jsonBody } from '../middleware/json-body.ts'
import { denied, jsonResponse, problem, sessionOrBearer } from '../openapi.ts'

const Role = z.enum(ROLES)
const Name = displayName(100)
const Id = (what: string) =>
  z.object({
    id: z
      .string()
      .regex(/^[a-z2-7]{12}$/, `must be ${what} id (12 characters a-z, 2-7)`)
      .openapi({ param: { name: 'id', in: 'path' }, example: 'k3v7q2m4x5za' }),
  })
const PersonView = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
    passkeys: z.number(),
    lastSignInAt: z.string().nullable(),
  })
  .openapi('Person')
const InvitationView = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    status: z.enum(['pending', 'used', 'expired', 'revoked']),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    usedBy: z.string().nullable(),
  })
  .openapi('Invitation')
const CreatedInvitation = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(Role),
    link: z.string().openapi({ description: 'the enrolment link: shown once, send it privately' }),
    expiresAt: z.string(),
  })
  .openapi('CreatedInvitation')

const guarded = {
  tags: ['staff admin'],
  security: sessionOrBearer,
}

export function staffAdminRoutes() {
  const app = new OpenAPIHono<AppEnv>()
  const admin = requireRole('admin')

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      path: '/api/staff/people',
      summary: 'People: roles, passkeys, last sign-in, disabled',
      middleware: [admin] as const,
      responses: {
        200: jsonResponse('everyone', z.object({ people: z.array(PersonView) })),
        ...denied('admin'),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json({ people: await listPeople(c.get('ctx')) }, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      path: '/api/staff/people/{id}',
      summary: 'One person',
      middleware: [admin] as const,
      request: { params: Id('a person') },
      responses: {
        200: jsonResponse('the person', PersonView),
        404: problem('NOT_FOUND'),
        ...denied('admin'),
      },
    }),
    async (c) => c.json(await getPerson(c.get('ctx'), c.req.valid('param').id), 200),
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'patch',
      path: '/api/staff/people/{id}',
      summary: 'Change roles or name, disable or enable (disabling ends their sessions)',
      middleware: [admin, jsonBody()] as const,
      request: {
        params: Id('a person'),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                name: Name.optional(),
                roles: z.array(Role).min(1).max(ROLES.length).optional(),
                disabled: z.boolean().optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: jsonResponse('updated', PersonView),
        404: problem('NOT_FOUND'),
        409: problem('LAST_ADMIN'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const person = await updatePerson(c.get('ctx'), {
        ...c.req.valid('json'),
        id: c.req.valid('param').id,
      })
      return c.json(person, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'delete',
      path: '/api/staff/people/{id}/sessions',
      summary: 'Sign a person out everywhere',
      middleware: [admin] as const,
      request: { params: Id('a person') },
      responses: {
        204: { description: 'their sessions ended' },
        404: problem('NOT_FOUND'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      await signOutPerson(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      path: '/api/staff/people/{id}/sessions',
      summary: 'A person’s live sign-in sessions (newest first)',
      middleware: [admin] as const,
      request: { params: Id('a person') },
      responses: {
        200: jsonResponse(
          'live sessions',
          z.object({
            sessions: z.array(
              z.object({
                id: z.string(),
                createdAt: z.string(),
                lastSeenAt: z.string(),
                expiresAt: z.string(),
                passkeyId: z.string().nullable(),
              }),
            ),
          }),
        ),
        404: problem('NOT_FOUND'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      const sessions = await listSessionsOf(c.get('ctx'), c.req.valid('param').id)
      return c.json({ sessions }, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'delete',
      path: '/api/staff/people/{id}/sessions/{sessionId}',
      summary: 'End one of a person’s sessions (the id from their sessions list)',
      middleware: [admin] as const,
      request: {
        params: Id('a person').extend({
          sessionId: z
            .string()
            .regex(/^[0-9a-f]{24}$/, 'must be a session id from the list (24 hex digits)')
            .openapi({ param: { name: 'sessionId', in: 'path' } }),
        }),
      },
      responses: {
        204: { description: 'the session ended' },
        400: problem('VALIDATION'),
        404: problem('NOT_FOUND'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const { id, sessionId } = c.req.valid('param')
      await endSessionOf(c.get('ctx'), { personId: id, sessionId })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'post',
      path: '/api/staff/people/{id}/reenrol',
      summary:
        'A single-use re-enrolment link for a person who lost their passkeys (shown once): ' +
        'their new passkey joins the same account, their old sessions end',
      middleware: [admin, jsonBody()] as const,
      request: {
        params: Id('a person'),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                expiresInHours: z
                  .number()
                  .int()
                  .min(1)
                  .max(MAX_INVITATION_HOURS)
                  .default(DEFAULT_REENROL_HOURS),
              }),
            },
          },
        },
      },
      responses: {
        201: jsonResponse('created', CreatedInvitation),
        400: problem('VALIDATION'),
        404: problem('NOT_FOUND'),
        409: problem('CONFLICT'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const created = await createReenrolment(c.get('ctx'), {
        personId: c.req.valid('param').id,
        expiresInHours: c.req.valid('json').expiresInHours,
      })
      c.header('cache-control', 'no-store')
      return c.json(created, 201)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'post',
      path: '/api/staff/invitations',
      summary: 'Invite a person: a one-time enrolment link with roles (shown once)',
      middleware: [admin, jsonBody()] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                name: Name,
                roles: z.array(Role).min(1).max(ROLES.length),
                expiresInHours: z
                  .number()
                  .int()
                  .min(1)
                  .max(MAX_INVITATION_HOURS)
                  .default(DEFAULT_INVITATION_HOURS),
              }),
            },
          },
        },
      },
      responses: {
        201: jsonResponse('created', CreatedInvitation),
        400: problem('VALIDATION'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      const created = await createInvitation(c.get('ctx'), c.req.valid('json'))
      c.header('cache-control', 'no-store')
      return c.json(created, 201)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'get',
      path: '/api/staff/invitations',
      summary: 'Invitations and their status (never their links)',
      middleware: [admin] as const,
      responses: {
        200: jsonResponse('oldest first', z.object({ invitations: z.array(InvitationView) })),
        ...denied('admin'),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json({ invitations: await listInvitations(c.get('ctx')) }, 200)
    },
  )

  app.openapi(
    createRoute({
      ...guarded,
      method: 'delete',
      path: '/api/staff/invitations/{id}',
      summary: 'Revoke an invitation (idempotent; CONFLICT once used)',
      middleware: [admin] as const,
      request: { params: Id('an invitation') },
      responses: {
        204: { description: 'revoked' },
        404: problem('NOT_FOUND'),
        409: problem('CONFLICT'),
        ...denied('admin'),
      },
    }),
    async (c) => {
      await revokeInvitation(c.get('ctx'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  return app
}
