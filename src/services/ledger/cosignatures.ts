/**
 * @module services/ledger/cosignatures
 * The log side of witnessing (docs/WITNESSES.md, c2sp.org/tlog-cosignature). After each new
 * checkpoint, the collector submits the latest one to every configured witness in parallel
 * (c2sp.org/tlog-witness add-checkpoint), each within its own time budget: retries with backoff
 * on network errors and 5xx, and on 409 it takes the witness's size and sends a consistency
 * proof from there. Verified cosignature lines are stored by checkpoint size (`log_cosignatures`),
 * so every instance serves the same cosigned checkpoint: the database is the truth, the
 * in-memory hints only save a round trip. Rounds coalesce: while one runs, newer checkpoints wait
 * for the next round, which submits only the latest.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm'
import {
  formatSignatureLine,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
} from '../../core/note/index.ts'
import { formatAddCheckpoint, parseSize } from '../../core/witness/index.ts'
import type { WitnessConfig } from '../../platform/config/index.ts'
import type { Logger, ServiceContext } from '../../platform/context/index.ts'
import {
  type Db,
  logCheckpoints,
  logCosignatures,
  rowsOf,
  toBigInt,
} from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import {
  cosignaturesChanged,
  type LatestCheckpoint,
  rememberedServed,
  type ServedCheckpoint,
} from './memory.ts'
import { consistencyProof, latestCheckpoint, latestSize, type StoredCheckpoint } from './proofs.ts'

export type Fetch = (url: string, init: RequestInit) => Promise<Response>

export interface CollectorDeps {
  db: Db
  witnesses: readonly WitnessConfig[]
  quorum: number
  timeoutMs: number
  logger: Logger
  /**
   * Milliseconds on a monotonic clock, for each witness's time budget and the times reported.
   * Not the context's wall clock: a budget is a duration, and tests fix the wall clock.
   */
  now: () => number
  fetch?: Fetch
}

export interface SubmitResult {
  witness: string
  ok: boolean
  /** Why not: a refusal code, `timeout`, `unreachable`, an HTTP status. */
  reason?: string
  ms: number
}

export interface Round {
  size: bigint
  met: boolean
  results: SubmitResult[]
  /** From reading the checkpoint to the last witness's answer stored. */
  ms: number
}

interface Waiter {
  size: bigint
  resolve(at: { size: bigint; note: string } | undefined): void
}

const MAX_CONFLICTS = 3
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The note with the cosignature lines stored for its size appended (witness name order). */
export async function withCosignatures(
  ctx: Pick<ServiceContext, 'db'>,
  c: Pick<StoredCheckpoint, 'size' | 'note'>,
) {
  const rows = await ctx.db
    .select({ line: logCosignatures.line })
    .from(logCosignatures)
    .where(eq(logCosignatures.size, c.size))
    .orderBy(logCosignatures.witness)
  return `${c.note}${rows.map((r) => r.line).join('')}`
}

/**
 * The latest checkpoint with the cosignatures collected so far (what /log/checkpoint serves);
 * bare when no witnesses are configured. From memory (services/ledger/memory): this process's
 * own checkpoints and cosignatures at once, another process's within CHECKPOINT_MAX_AGE_MS.
 */
export async function servedCheckpoint(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
): Promise<ServedCheckpoint> {
  const latest = await latestSize(ctx)
  const cosign =
    ctx.config.witnesses.length === 0
      ? async (c: LatestCheckpoint) => c.note
      : (c: LatestCheckpoint) => withCosignatures(ctx, c)
  return rememberedServed(ctx.db, latest, cosign)
}

/**
 * The newest checkpoint with at least the configured quorum of cosignatures (else the latest with
 * what it has), cosigned: the one verifiers are given (trust material).
 */
export async function publishedCheckpoint(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
): Promise<StoredCheckpoint> {
  const quorum = ctx.config.witnessQuorum
  if (quorum === 0) return latestCheckpoint(ctx)
  const [best] = rowsOf<{ size: unknown }>(
    await ctx.db.execute(sql`
      select ${logCosignatures.size} as size from ${logCosignatures}
      group by ${logCosignatures.size} having count(*) >= ${quorum}
      order by ${logCosignatures.size} desc limit 1`),
  )
  const [row] =
    best === undefined
      ? []
      : await ctx.db
          .select()
          .from(logCheckpoints)
          .where(eq(logCheckpoints.size, toBigInt(best.size)))
  const chosen = row ?? (await latestCheckpoint(ctx))
  return { ...chosen, note: await withCosignatures(ctx, chosen) }
}

export interface WitnessStatus {
  /** The latest checkpoint's size. */
  size: string
  quorum: number
  /** Whether the latest checkpoint meets the policy. */
  met: boolean
  /** The newest checkpoint that meets it (absent: none yet). */
  metSize?: string
  witnesses: { name: string; url: string; vkey: string; signedLatest: boolean; lastSize?: string }[]
}

/** The witness policy's state, from the configured witnesses and quorum (/log/witnesses). */
export async function witnessStatus(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
): Promise<WitnessStatus> {
  const { db } = ctx
  const { witnesses, witnessQuorum: quorum } = ctx.config
  const latest = await latestCheckpoint(ctx)
  const last = rowsOf<{ witness: string; size: unknown }>(
    await db.execute(sql`
      select ${logCosignatures.witness} as witness, max(${logCosignatures.size}) as size
      from ${logCosignatures} group by ${logCosignatures.witness}`),
  )
  const lastBy = new Map(last.map((r) => [r.witness, toBigInt(r.size)]))
  const list = witnesses.map((w) => {
    const size = lastBy.get(w.name)
    return {
      name: w.name,
      url: w.url,
      vkey: w.vkey,
      signedLatest: size === latest.size,
      ...(size === undefined ? {} : { lastSize: String(size) }),
    }
  })
  const published = quorum === 0 ? latest : await publishedCheckpoint(ctx)
  const count = list.filter((w) => w.signedLatest).length
  const publishedMeets = quorum === 0 || (await cosignatureCount(db, published.size)) >= quorum
  return {
    size: String(latest.size),
    quorum,
    met: count >= quorum,
    ...(publishedMeets ? { metSize: String(published.size) } : {}),
    witnesses: list,
  }
}

async function cosignatureCount(db: Db, size: bigint): Promise<number> {
  const rows = await db
    .select({ witness: logCosignatures.witness })
    .from(logCosignatures)
    .where(eq(logCosignatures.size, size))
  return rows.length
}

export class WitnessCollector {
  readonly #deps: CollectorDeps
  readonly #fetch: Fetch
  /** Witness name → the size it last said it cosigned (a hint; a 409 corrects it). */
  readonly #hint = new Map<string, bigint>()
  #running: Promise<void> | undefined
  /** The last round threw (rather than ending unmet): retry it as an unmet one. */
  #failed = false
  #again = false
  #waiters: Waiter[] = []
  #lastMet: { size: bigint; note: string } | undefined
  #lastRound: Round | undefined
  /** Called after each round (tests, metrics). */
  onRound: ((round: Round) => void) | undefined

  constructor(deps: CollectorDeps) {
    this.#deps = deps
    this.#fetch = deps.fetch ?? ((url, init) => fetch(url, init))
  }

  /**
   * The log moved to a new shard (`vigil log rotate`): sizes witnesses cosigned and the last
   * cosigned checkpoint were the frozen shard's, not this one's.
   */
  forget(): void {
    this.#hint.clear()
    this.#lastMet = undefined
  }

  get lastRound(): Round | undefined {
    return this.#lastRound
  }

  /** A new checkpoint exists: submit the latest now, or after the round in flight. */
  notify(): void {
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    this.#running = (async () => {
      do {
        this.#again = false
        try {
          await this.#round()
          this.#failed = false
        } catch (err) {
          // A round that failed (the database was unreachable, say) is retried like an unmet one.
          this.#failed = true
          this.#deps.logger.error('witness round failed', { error: String(err) })
          this.#settle(undefined)
        }
      } while (this.#again)
    })().finally(() => {
      this.#running = undefined
    })
  }

  /**
   * Asks again every `ms` while the last round missed the policy: a witness that was down is
   * retried without waiting for the next checkpoint (a quiet log may not make one for hours).
   * Returns the function that stops it.
   */
  retryEvery(ms: number): () => void {
    const timer = setInterval(() => {
      const unmet = this.#failed || this.#lastRound?.met === false
      if (unmet && this.#running === undefined) this.notify()
    }, ms)
    ;(timer as { unref?: () => void }).unref?.()
    return () => clearInterval(timer)
  }

  /** Runs a round now (or joins the one in flight) and returns when it is over. */
  async collect(): Promise<Round | undefined> {
    this.notify()
    await this.idle()
    return this.#lastRound
  }

  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  /**
   * A checkpoint covering `size` entries that meets the policy, cosigned, once there is one;
   * throws UNAVAILABLE when the witnesses did not get there within their time budget.
   */
  async checkpointFor(size: bigint): Promise<{ size: bigint; note: string }> {
    const at = await new Promise<{ size: bigint; note: string } | undefined>((resolve) => {
      if (this.#lastMet !== undefined && this.#lastMet.size >= size) return resolve(this.#lastMet)
      const waiter: Waiter = { size, resolve }
      this.#waiters.push(waiter)
      // Never wait forever (e.g. a round that ended unmet just before this call).
      const guard = setTimeout(
        () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter)
          resolve(undefined)
        },
        this.#deps.timeoutMs * 2 + 1000,
      )
      guard.unref?.()
      const done = waiter.resolve
      waiter.resolve = (v) => {
        clearTimeout(guard)
        done(v)
      }
      if (this.#running === undefined) this.notify()
    })
    if (at === undefined)
      throw new ServiceError(
        'UNAVAILABLE',
        'the witness policy was not met in time: the entry is in the log, its cosigned checkpoint is not',
        { field: 'witnesses' },
      )
    return at
  }

  #settle(round: { size: bigint; met: boolean; note?: string } | undefined): void {
    if (round?.met && round.note !== undefined) {
      this.#lastMet = { size: round.size, note: round.note }
      const ready = this.#waiters.filter((w) => w.size <= round.size)
      this.#waiters = this.#waiters.filter((w) => w.size > round.size)
      for (const w of ready) w.resolve(this.#lastMet)
      return
    }
    // Unmet: a round already scheduled may still cover them; otherwise they fail now.
    if (this.#again) return
    const failed = this.#waiters
    this.#waiters = []
    for (const w of failed) w.resolve(undefined)
  }

  async #round(): Promise<void> {
    const { db, witnesses, quorum, logger, now } = this.#deps
    const started = now()
    const checkpoint = await latestCheckpoint(this.#deps)
    const results = await Promise.all(witnesses.map((w) => this.#submit(w, checkpoint)))
    const count = await cosignatureCount(db, checkpoint.size)
    const met = count >= quorum
    const round: Round = { size: checkpoint.size, met, results, ms: now() - started }
    this.#lastRound = round
    if (!met) {
      logger.warn('witness policy not met', {
        size: String(checkpoint.size),
        cosigned: count,
        quorum,
        failures: results.filter((r) => !r.ok).map((r) => `${r.witness}: ${r.reason}`),
      })
    }
    const note = met ? await withCosignatures(this.#deps, checkpoint) : undefined
    this.#settle({ size: checkpoint.size, met, ...(note === undefined ? {} : { note }) })
    this.onRound?.(round)
  }

  async #lastSize(name: string): Promise<bigint> {
    const hint = this.#hint.get(name)
    if (hint !== undefined) return hint
    const [row] = await this.#deps.db
      .select({ size: logCosignatures.size })
      .from(logCosignatures)
      .where(eq(logCosignatures.witness, name))
      .orderBy(desc(logCosignatures.size))
      .limit(1)
    return row?.size ?? 0n
  }

  async #submit(w: WitnessConfig, checkpoint: StoredCheckpoint): Promise<SubmitResult> {
    const { now } = this.#deps
    const started = now()
    const deadline = started + this.#deps.timeoutMs
    const done = (ok: boolean, reason?: string): SubmitResult => ({
      witness: w.name,
      ok,
      ...(reason === undefined ? {} : { reason }),
      ms: now() - started,
    })
    const already = await this.#deps.db
      .select({ size: logCosignatures.size })
      .from(logCosignatures)
      .where(and(eq(logCosignatures.witness, w.name), gte(logCosignatures.size, checkpoint.size)))
      .limit(1)
    if (already.length > 0) return done(true) // another instance got it first
    let old = await this.#lastSize(w.name)
    let conflicts = 0
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - now()
      if (remaining <= 0) return done(false, 'timeout')
      if (old > checkpoint.size) return done(false, `the witness is at size ${old}`)
      let proof: Uint8Array[] = []
      try {
        if (old > 0n && old < checkpoint.size)
          proof = (await consistencyProof(this.#deps, { first: old, second: checkpoint.size }))
            .proof
      } catch (err) {
        return done(false, `no consistency proof from ${old}: ${String(err)}`)
      }
      const body = formatAddCheckpoint({ old, proof, note: checkpoint.note })
      let res: Response
      try {
        res = await this.#fetch(`${w.url}/add-checkpoint`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'text/plain' },
          // Whole milliseconds: AbortSignal.timeout refuses a fraction (a monotonic clock's).
          signal: AbortSignal.timeout(Math.ceil(remaining)),
        })
      } catch {
        if (deadline - now() <= 0) return done(false, 'timeout')
        await sleep(Math.min(100 * 2 ** attempt, Math.max(0, deadline - now())))
        continue
      }
      if (res.status === 200) {
        try {
          await this.#store(w, checkpoint, await res.text())
        } catch (err) {
          return done(false, `bad cosignature: ${err instanceof Error ? err.message : err}`)
        }
        this.#hint.set(w.name, checkpoint.size)
        return done(true)
      }
      if (res.status === 409) {
        try {
          old = parseSize(await res.text())
        } catch {
          return done(false, 'a 409 without a size')
        }
        this.#hint.set(w.name, old)
        if (++conflicts > MAX_CONFLICTS) return done(false, 'conflict')
        continue
      }
      if (res.status >= 500 || res.status === 429) {
        await res.body?.cancel()
        await sleep(Math.min(100 * 2 ** attempt, Math.max(0, deadline - now())))
        continue
      }
      let code = `HTTP ${res.status}`
      try {
        const problem = (await res.json()) as { code?: unknown }
        if (typeof problem.code === 'string') code = `${res.status} ${problem.code}`
      } catch {}
      this.#deps.logger.warn('witness refused the checkpoint', {
        witness: w.name,
        size: String(checkpoint.size),
        reason: code,
      })
      return done(false, code)
    }
  }

  /** Verifies the witness's line against its key and the checkpoint, then stores it. */
  async #store(w: WitnessConfig, checkpoint: StoredCheckpoint, lines: string) {
    const note = parseNote(`${checkpoint.note}${lines}`)
    const key = parseVerifierKey(w.vkey)
    const sig = note.signatures.find((s) => s.name === key.name && s.keyId === key.keyId)
    if (sig === undefined) throw new Error('no cosignature from the witness key')
    const cosignedAt = await verifyCosignature(note.text, sig.signature, key)
    await this.#deps.db
      .insert(logCosignatures)
      .values({
        size: checkpoint.size,
        witness: w.name,
        line: formatSignatureLine(sig),
        cosignedAt,
      })
      .onConflictDoNothing()
    // /log/checkpoint serves it from the next request on.
    cosignaturesChanged(this.#deps.db)
  }
}
