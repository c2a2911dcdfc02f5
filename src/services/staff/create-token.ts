/**
 * @module services/staff/create-token
 * `createApiToken`: the one moment a token's secret exists in the clear. The caller shows it once;
 * the database keeps only its SHA-256, so a leaked table grants nothing.
 */
import { z } from 'zod'
import type { CreatedToken } from '../../core/api-types/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { Clock, Role, ServiceContext } from '../../platform/context/index.ts'
import { apiTokens } from '../../platform/db/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { displayName, roleList } from './fields.ts'
import { formatToken, hashSecret, newTokenId, newTokenSecret } from './token-format.ts'

/** A token outlives no review cycle: at most a year, then a new one is made. */
export const MAX_TOKEN_DAYS = 365
export const DEFAULT_TOKEN_DAYS = 90
const DAY_MS = 86_400_000

/** A name, roles, and an expiry: a date, or a number of days after the context's clock. */
export type CreateTokenInput = {
  name: string
  roles: readonly Role[] | readonly string[]
} & ({ expiresAt: Date } | { expiresInDays: number })

/** The JSON the admin page reads: declared in core, where the page imports it too. */
export type { CreatedToken }

const inputSchema = z.object({ name: displayName(100), roles: roleList })

/** The expiry `days` after the context's clock (CLI `--days`, HTTP `expiresInDays`). */
export function expiryAfterDays(clock: Clock, days: number): Date {
  return new Date(clock.now().getTime() + days * DAY_MS)
}

/**
 * @example
 * const { token } = await createApiToken(ctx, { name: 'lab-a', roles: ['issuer'], expiresInDays: 90 })
 */
export async function createApiToken(
  ctx: ServiceContext,
  input: CreateTokenInput,
): Promise<CreatedToken> {
  // The domain re-parses its input: the CLI reaches here without the HTTP layer's schema.
  const parsed = inputSchema.safeParse(input)
  if (!parsed.success) throw validationError(parsed.error.issues, 'invalid token request')
  const { name } = parsed.data
  const roles = [...new Set(parsed.data.roles)]
  const now = ctx.clock.now().getTime()
  const [expiresAt, field] =
    'expiresAt' in input
      ? [input.expiresAt, 'expiresAt']
      : [expiryAfterDays(ctx.clock, input.expiresInDays), 'expiresInDays']
  const end = expiresAt.getTime()
  // NaN (an invalid date or day count) fails both comparisons, so it is refused too.
  if (!(end > now && end <= now + MAX_TOKEN_DAYS * DAY_MS)) {
    throw new ServiceError('VALIDATION', `must be within ${MAX_TOKEN_DAYS} days from now`, {
      field,
    })
  }
  const id = newTokenId(ctx.random)
  const secret = newTokenSecret(ctx.random)
  const secretHash = await hashSecret(secret)
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(apiTokens)
      .values({ id, name, roles, secretHash, createdAt: new Date(now), expiresAt })
    await recordAudit(
      { ...ctx, db: tx },
      { action: 'token.create', targetId: id, detail: { roles } },
    )
  })
  ctx.logger.info('api token created', { tokenId: id, roles })
  return { id, name, roles, token: formatToken(id, secret), expiresAt: expiresAt.toISOString() }
}
