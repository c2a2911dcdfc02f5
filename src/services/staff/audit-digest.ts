/**
 * @module services/staff/audit-digest
 * The audit trail cannot be rewritten silently: each complete UTC day's rows are hashed, chained
 * to the previous day's digest, and the digest is appended to the ledger (`kind: 'audit-digest'`,
 * key id `audit:<day>`). Anyone holding the rows can recompute the chain and compare it with the
 * ledger; `verifyAuditDigests` does exactly that. Empty days are digested too, so rows inserted
 * into a past day later are caught as well.
 *
 *   digest(D) = SHA-256("vigil-audit-digest/v1\n" D "\n" hex(digest(D-1)) "\n" row₁ "\n" row₂ …)
 *
 * where each row is the canonical JSON array [id, at, actorKind, actorId, actorName, role, action,
 * targetId, requestId, detail] (object keys sorted), in id order.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import {
  and,
  asc,
  eq,
  gt,
  gte,
  isNull,
  lt,
  max,
  min,
  sql,
  TransactionRollbackError,
} from 'drizzle-orm'
import { toHex, utf8 } from '../../core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { auditDigests, auditEvents, logEntries, rowsOf } from '../../platform/db/index.ts'
import { listEntries } from '../ledger/index.ts'

const DAY_MS = 86_400_000
/** A day is digested this long after it ends, so rows still committing at midnight are in it. */
export const DIGEST_GRACE_MS = 5 * 60_000
/** At most this many days per run (a long-stopped server catches up over several runs). */
const MAX_DAYS_PER_RUN = 400
const CHUNK = 2000
const ZERO = new Uint8Array(32)

export interface AuditDigestView {
  day: string
  events: number
  digest: string
  leafIndex: number | null
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10)
const startOf = (day: string) => new Date(`${day}T00:00:00.000Z`)
const nextDay = (day: string) => dayOf(new Date(startOf(day).getTime() + DAY_MS))

/** JSON with object keys sorted, so jsonb's own key order does not matter. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Recomputes one day's digest from the rows (streamed in chunks). */
async function computeDayDigest(
  ctx: ServiceContext,
  day: string,
  prev: Uint8Array,
): Promise<{ digest: Uint8Array; events: number }> {
  const hash = sha256.create()
  hash.update(utf8(`vigil-audit-digest/v1\n${day}\n${toHex(prev)}\n`))
  const from = startOf(day)
  const to = startOf(nextDay(day))
  let after = 0
  let events = 0
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(gte(auditEvents.at, from), lt(auditEvents.at, to), gt(auditEvents.id, after)))
      .orderBy(asc(auditEvents.id))
      .limit(CHUNK)
    for (const r of rows) {
      const line = canonical([
        r.id,
        r.at.toISOString(),
        r.actorKind,
        r.actorId,
        r.actorName,
        r.role,
        r.action,
        r.targetId,
        r.requestId,
        r.detail ?? null,
      ])
      hash.update(utf8(`${events === 0 ? '' : '\n'}${line}`))
      events++
    }
    if (rows.length < CHUNK) break
    after = rows.at(-1)?.id ?? after
  }
  return { digest: hash.digest(), events }
}

/**
 * Digests every complete day not digested yet (from the first audited day) and appends each
 * digest to the ledger; also retries digests whose append failed. Safe to run on many instances:
 * the day's row is claimed first (primary key), then appended.
 * @example await runAuditDigests(ctx) // hourly timer in `vigil serve`, or `vigil admin digest`
 */
export async function runAuditDigests(ctx: ServiceContext): Promise<AuditDigestView[]> {
  const lastComplete = dayOf(new Date(ctx.clock.now().getTime() - DIGEST_GRACE_MS - DAY_MS))
  const [{ last } = { last: null }] = await ctx.db
    .select({ last: max(auditDigests.day) })
    .from(auditDigests)
  let day: string
  let prev: Uint8Array = ZERO
  if (last !== null) {
    day = nextDay(last)
    const [row] = await ctx.db.select().from(auditDigests).where(eq(auditDigests.day, last))
    prev = row?.digest ?? ZERO
  } else {
    const [{ first } = { first: null }] = await ctx.db
      .select({ first: min(auditEvents.at) })
      .from(auditEvents)
    if (first === null) return []
    day = dayOf(new Date(first))
  }
  for (let n = 0; day <= lastComplete && n < MAX_DAYS_PER_RUN; n++, day = nextDay(day)) {
    const { digest, events } = await computeDayDigest(ctx, day, prev)
    const [claimed] = await ctx.db
      .insert(auditDigests)
      .values({ day, events, digest, prev, createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ day: auditDigests.day })
    if (claimed === undefined) {
      // Another instance digested this day first: chain on from its digest.
      const [row] = await ctx.db.select().from(auditDigests).where(eq(auditDigests.day, day))
      prev = row?.digest ?? digest
      continue
    }
    prev = digest
  }
  return appendPending(ctx)
}

/**
 * Appends the digests that have no ledger entry yet, oldest first. Each day's entry is queued on
 * the ledger in the same transaction that records its pending id on the day (only if no other
 * instance did first), then integrated; the leaf index is filled in from where the entry landed.
 * A crash anywhere leaves a day queued once or not at all, never twice.
 */
async function appendPending(ctx: ServiceContext): Promise<AuditDigestView[]> {
  const unqueued = await ctx.db
    .select()
    .from(auditDigests)
    .where(and(isNull(auditDigests.pendingId), isNull(auditDigests.leafIndex)))
    .orderBy(asc(auditDigests.day))
  for (const row of unqueued) {
    const time = roundToHour(Math.floor(ctx.clock.now().getTime() / 1000))
    const entry: LogEntry = {
      kind: 'audit-digest',
      artefactHash: row.digest,
      keyId: `audit:${row.day}`,
      time,
    }
    await ctx.db
      .transaction(async (tx) => {
        const [pendingId] = await ctx.ledger.queue(tx, [entry])
        const claimed = await tx
          .update(auditDigests)
          .set({ pendingId })
          .where(and(eq(auditDigests.day, row.day), isNull(auditDigests.pendingId)))
          .returning({ day: auditDigests.day })
        // Another instance queued this day first: drop ours with the transaction.
        if (claimed.length === 0) tx.rollback()
      })
      .catch((err: unknown) => {
        if (!(err instanceof TransactionRollbackError)) throw err
      })
  }
  await ctx.ledger.flush()
  const placed = rowsOf<{ day: string; idx: unknown }>(
    await ctx.db.execute(sql`
      update ${auditDigests} d set leaf_index = e.idx
      from ${logEntries} e
      where d.leaf_index is null and d.pending_id = e.pending_id
      returning d.day, e.idx`),
  )
  const done: AuditDigestView[] = []
  for (const p of placed.sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const [row] = await ctx.db.select().from(auditDigests).where(eq(auditDigests.day, p.day))
    if (row === undefined) continue
    const leafIndex = Number(p.idx)
    ctx.logger.info('audit digest appended to the ledger', { day: row.day, leafIndex })
    done.push({ day: row.day, events: row.events, digest: toHex(row.digest), leafIndex })
  }
  return done
}

/** @example for (const d of await listAuditDigests(ctx)) console.log(d.day, d.digest) */
export async function listAuditDigests(
  ctx: ServiceContext,
  limit = 60,
): Promise<AuditDigestView[]> {
  const rows = await ctx.db.select().from(auditDigests).orderBy(asc(auditDigests.day))
  return rows.slice(-limit).map((r) => ({
    day: r.day,
    events: r.events,
    digest: toHex(r.digest),
    leafIndex: r.leafIndex,
  }))
}

export interface DigestCheck {
  days: number
  /**
   * The first day whose rows no longer hash to the digest in the ledger (or to the stored one, for
   * a day not yet appended): rows were changed, added or removed after the day was digested.
   */
  firstMismatch: string | null
}

/**
 * Recomputes the chain from the rows and compares each day with its ledger entry (the copy no
 * one can rewrite), falling back to the stored digest for a day not appended yet.
 */
export async function verifyAuditDigests(ctx: ServiceContext): Promise<DigestCheck> {
  const rows = await ctx.db.select().from(auditDigests).orderBy(asc(auditDigests.day))
  let prev: Uint8Array = ZERO
  for (const row of rows) {
    const { digest } = await computeDayDigest(ctx, row.day, prev)
    let expected = toHex(row.digest)
    if (row.leafIndex !== null) {
      const [entry] = await listEntries(ctx, { start: BigInt(row.leafIndex), limit: 1 })
      expected =
        entry?.kind === 'audit-digest' && entry.keyId === `audit:${row.day}`
          ? entry.artefactHash
          : ''
    }
    if (toHex(digest) !== expected) return { days: rows.length, firstMismatch: row.day }
    prev = digest
  }
  return { days: rows.length, firstMismatch: null }
}
