/**
 * @module http/validation
 * zod at the edge: a failed schema becomes one problem+json naming the first field at fault.
 */
import type { Context } from 'hono'
import type { ZodError } from 'zod'
import type { AppEnv } from './env.ts'
import { problemResponse } from './problem.ts'

type HookResult = { success: true } | { success: false; error: ZodError; target: string }

export function validationHook(result: HookResult, c: Context<AppEnv>): Response | undefined {
  if (result.success) return undefined
  const issue = result.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  const field =
    path === '' ? result.target : `${result.target === 'json' ? 'body' : result.target}.${path}`
  return problemResponse(400, 'VALIDATION', issue?.message ?? 'invalid request', {
    field,
    requestId: c.get('requestId'),
    instance: c.req.path,
  })
}
