/**
 * @module services/exposure/codes
 * Verification codes (role tracer): a short code (8 digits, 15 minutes) and a long code (16
 * characters, 24 hours) per test result, stored only as HMACs, single use, revocable. The tracer
 * sees the status, never the keys.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { and, eq, or } from 'drizzle-orm'
import type { CodeStatusView, IssuedCode } from '../../core/api-types/index.ts'
import { utf8 } from '../../core/codec/index.ts'
import { dayStart, intervalNumber } from '../../core/gaen/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { exposureCodes } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import { exposureFact, recordFacts, toDay } from '../surveillance/index.ts'
import { checkRegion, statusOf } from './codes-list.ts'
import { EXPOSURE, type TestType } from './settings.ts'

export interface IssueCodeInput {
  testType: TestType
  /** YYYY-MM-DD */
  symptomDate?: string | undefined
  testDate?: string | undefined
  /** ISO 3166-2 region of the case, for the de-identified surveillance facts (optional). */
  region?: string | undefined
}

const secrets = new WeakMap<object, Promise<Uint8Array>>()

/** HMAC-SHA-256(derived secret, code): what the database holds instead of the code. */
async function codeHash(ctx: ServiceContext, code: string): Promise<Uint8Array> {
  let s = secrets.get(ctx.keys)
  if (s === undefined) {
    s = ctx.keys.deriveSecret('exposure/codes')
    secrets.set(ctx.keys, s)
  }
  return hmac(sha256, await s, utf8(code.trim().toLowerCase()))
}

/** Uniform digits / [a-z0-9] by rejection sampling. */
function randomCode(random: ServiceContext['random'], alphabet: string, length: number): string {
  let out = ''
  const limit = 256 - (256 % alphabet.length)
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length]
    }
  }
  return out
}

const DIGITS = '0123456789'
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'

function onsetInterval(input: IssueCodeInput): number | null {
  const date = input.symptomDate ?? input.testDate
  if (date === undefined) return null
  const ms = Date.parse(`${date}T00:00:00Z`)
  if (Number.isNaN(ms))
    throw new ServiceError('KEY_INVALID', 'invalid date', { field: 'symptomDate' })
  return dayStart(intervalNumber(ms / 1000))
}

/** Issues one code pair for a test result (role tracer; recorded as issued by the actor). */
export async function issueCode(ctx: ServiceContext, input: IssueCodeInput): Promise<IssuedCode> {
  const issuedBy = requireActor(ctx).id
  const now = ctx.clock.now().getTime()
  const onset = onsetInterval(input)
  await checkRegion(ctx, input.region)
  for (let attempt = 0; attempt < 6; attempt++) {
    const code = randomCode(ctx.random, DIGITS, 8)
    const longCode = randomCode(ctx.random, ALNUM, 16)
    const id = uuidFrom(ctx.random(16))
    const expiresAt = new Date(now + EXPOSURE.shortCodeMs)
    const longExpiresAt = new Date(now + EXPOSURE.longCodeMs)
    const inserted = await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .insert(exposureCodes)
        .values({
          id,
          shortHash: await codeHash(ctx, code),
          longHash: await codeHash(ctx, longCode),
          testType: input.testType,
          symptomOnsetInterval: onset,
          region: input.region ?? null,
          expiresAt,
          longExpiresAt,
          issuedBy,
          createdAt: new Date(now),
        })
        .onConflictDoNothing()
        .returning({ id: exposureCodes.id })
      // The fact names the day, region and test type only: nothing that leads back to this code.
      if (rows.length > 0)
        await recordFacts({ ...ctx, db: tx }, [
          exposureFact('code-issued', toDay(now), {
            region: input.region,
            testType: input.testType,
          }),
        ])
      return rows
    })
    if (inserted.length === 0) continue // a collision with a live code: draw again
    await recordAudit(ctx, {
      action: 'exposure-code.issue',
      targetId: id,
      detail: { testType: input.testType },
    })
    return {
      id,
      code,
      longCode,
      expiresAt: expiresAt.toISOString(),
      longExpiresAt: longExpiresAt.toISOString(),
    }
  }
  throw new Error('could not draw a unique verification code')
}

/** Issues a code pair per case of a case list, 1 to `EXPOSURE.maxBatch` of them. */
export async function issueCodes(
  ctx: ServiceContext,
  inputs: readonly IssueCodeInput[],
): Promise<IssuedCode[]> {
  if (inputs.length === 0 || inputs.length > EXPOSURE.maxBatch)
    throw new ServiceError('BATCH_TOO_LARGE', `issue 1 to ${EXPOSURE.maxBatch} codes per call`, {
      field: 'cases',
    })
  const out: IssuedCode[] = []
  for (const input of inputs) out.push(await issueCode(ctx, input))
  return out
}

/** Where a code stands, for the tracer who issued it: never the code or the keys. */
export async function codeStatus(ctx: ServiceContext, id: string): Promise<CodeStatusView> {
  const [row] = await ctx.db.select().from(exposureCodes).where(eq(exposureCodes.id, id))
  if (row === undefined) throw new ServiceError('NOT_FOUND', 'no such code', { field: 'id' })
  const now = ctx.clock.now().getTime()
  return {
    id: row.id,
    status: statusOf(row, now),
    testType: row.testType,
    expiresAt: row.expiresAt.toISOString(),
    longExpiresAt: row.longExpiresAt.toISOString(),
  }
}

export async function revokeCode(ctx: ServiceContext, id: string): Promise<CodeStatusView> {
  const [row] = await ctx.db
    .update(exposureCodes)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(exposureCodes.id, id)))
    .returning({ id: exposureCodes.id })
  if (row === undefined) throw new ServiceError('NOT_FOUND', 'no such code', { field: 'id' })
  await recordAudit(ctx, { action: 'exposure-code.revoke', targetId: id })
  return codeStatus(ctx, id)
}

/** The row a code names, by either hash. */
export async function findCode(ctx: ServiceContext, code: string) {
  const h = await codeHash(ctx, code)
  const [row] = await ctx.db
    .select()
    .from(exposureCodes)
    .where(or(eq(exposureCodes.shortHash, h), eq(exposureCodes.longHash, h)))
  return row === undefined ? undefined : { row, long: equal(row.longHash, h) }
}

function equal(a: Uint8Array, b: Uint8Array) {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
