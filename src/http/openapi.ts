/**
 * @module http/openapi
 * Pieces every route's OpenAPI description shares (OpenAPI 3.1 §4.8.10 responses, §4.8.27
 * security requirements): bearer security, problem+json (RFC 9457) and JSON bodies.
 */
import { z } from '@hono/zod-openapi'

/** Bearer token or staff session: both reach authenticate(); the document names the token. */
export const security = [{ bearerAuth: [] as string[] }]

/** Routes people (session cookie) and records systems (bearer token) both call. */
export const sessionOrBearer: Record<string, string[]>[] = [
  { sessionCookie: [] },
  { bearerAuth: [] },
]

/** A problem+json response: its description names the codes a client can meet. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: z.object({ code: z.string() }) } },
})

/** The 401 and 403 of a route that needs one of `roles` ("admin", "admin or auditor"). */
export const denied = (roles: string) => ({
  401: problem('UNAUTHENTICATED or INVALID_TOKEN'),
  403: problem(`FORBIDDEN: needs the ${roles} role`),
})

/** A JSON response. */
export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
})

/** A required JSON request body. */
export const jsonRequest = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})
