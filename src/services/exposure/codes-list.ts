/**
 * @module services/exposure/codes-list
 * What every tracer of the deployment reads (role tracer): the codes issued here, newest first and
 * paged by a keyset cursor (issue time, then id, so pages stay stable while codes arrive), with
 * their status; the places a code may name; and the hand-over link with its QR.
 */
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm'
import QRCode from 'qrcode'
import type {
  CodeHandover,
  CodeListItem,
  CodePage,
  CodePlace,
  CodeStatus,
} from '../../core/api-types/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { exposureCodes } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { readHierarchy } from '../surveillance/index.ts'
import { findCode } from './codes.ts'

export const MAX_CODE_PAGE = 200

/** The status the tracer sees: revocation first, then use, then the long code's expiry. */
export function statusOf(
  row: { revokedAt: Date | null; usedHour: Date | null; longExpiresAt: Date },
  now: number,
): CodeStatus {
  if (row.revokedAt !== null) return 'revoked'
  if (row.usedHour !== null) return 'used'
  return row.longExpiresAt.getTime() <= now ? 'expired' : 'unused'
}

function listItem(r: typeof exposureCodes.$inferSelect, now: number, me: string): CodeListItem {
  return {
    id: r.id,
    status: statusOf(r, now),
    testType: r.testType,
    region: r.region,
    issuedAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    longExpiresAt: r.longExpiresAt.toISOString(),
    mine: r.issuedBy === me,
  }
}

/** `<issued ms>.<id>`: opaque to the page; parsed strictly, it is caller-controlled. */
function parseCursor(cursor: string): { at: Date; id: string } {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(cursor)
  if (m === null) throw new ServiceError('VALIDATION', 'not a page cursor', { field: 'before' })
  return { at: new Date(Number(m[1])), id: m[2] as string }
}

/** @example const { codes, next } = await listCodes(ctx, { limit: 50 }) */
export async function listCodes(
  ctx: ServiceContext,
  query: { before?: string | undefined; limit?: number | undefined } = {},
): Promise<CodePage> {
  const me = requireActor(ctx).id
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_CODE_PAGE)
  const where: SQL[] = []
  if (query.before !== undefined) {
    const { at, id } = parseCursor(query.before)
    where.push(
      or(
        lt(exposureCodes.createdAt, at),
        and(eq(exposureCodes.createdAt, at), lt(exposureCodes.id, id)),
      ) as SQL,
    )
  }
  const rows = await ctx.db
    .select()
    .from(exposureCodes)
    .where(and(...where))
    .orderBy(desc(exposureCodes.createdAt), desc(exposureCodes.id))
    .limit(limit + 1)
  const now = ctx.clock.now().getTime()
  const page = rows.slice(0, limit)
  const codes = page.map((r) => listItem(r, now, me))
  const last = page.at(-1)
  return {
    codes,
    next: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
  }
}

/**
 * The regions and districts a code may name: the loaded place hierarchy (surveillance), those
 * whose code is ISO 3166-2-shaped as the code route requires, in code order.
 */
export async function codePlaces(ctx: ServiceContext): Promise<CodePlace[]> {
  const hierarchy = await readHierarchy(ctx)
  return [...hierarchy.places.values()]
    .filter((p) => p.level !== 'country' && REGION.test(p.code))
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((p) => ({ code: p.code, name: p.name, level: p.level, parent: p.parent }))
}

export const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/

/** A region the caller named must be a loaded place, once places are loaded. */
export async function checkRegion(ctx: ServiceContext, region: string | undefined): Promise<void> {
  if (region === undefined) return
  const places = await codePlaces(ctx)
  if (places.length > 0 && !places.some((p) => p.code === region))
    throw new ServiceError('VALIDATION', `${region} is not one of the loaded places`, {
      field: 'region',
    })
}

/**
 * The link a person opens to report with their code (the citizen page, code in the fragment so it
 * never reaches a server log or a Referer, RFC 3986 §3.5) and its QR as SVG.
 */
export async function codeHandover(ctx: ServiceContext, code: string): Promise<CodeHandover> {
  const clean = code.trim().toLowerCase()
  if (!/^(\d{8}|[a-z0-9]{16})$/.test(clean))
    throw new ServiceError('VALIDATION', 'a code is 8 digits or 16 letters and digits', {
      field: 'code',
    })
  const link = `${ctx.config.publicUrl}/report.html#code=${clean}`
  const svg = await QRCode.toString(link, { errorCorrectionLevel: 'M', margin: 2, type: 'svg' })
  return { link, svg }
}

/**
 * The status of the code a person quotes (a tracer on the phone with them): found by its HMAC,
 * so nothing is stored or logged in clear; an unknown code is NOT_FOUND at the field.
 */
export async function lookUpCode(ctx: ServiceContext, code: string): Promise<CodeListItem> {
  const found = await findCode(ctx, code.replace(/[\s-]/g, ''))
  if (found === undefined)
    throw new ServiceError('NOT_FOUND', 'no such code (or it has been deleted)', { field: 'code' })
  return listItem(found.row, ctx.clock.now().getTime(), requireActor(ctx).id)
}
