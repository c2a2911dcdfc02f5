/**
 * @module services/witness/witness
 * `vigil witness` as a service (docs/WITNESSES.md): for each log it follows, the latest checkpoint
 * it cosigned lives in `witness_logs`; an add-checkpoint request locks that row, runs the pure
 * decision (core/witness) and, on success, stores the new checkpoint and answers the cosignature
 * in the same transaction, so two requests can never both advance from one state (the rollback
 * race of c2sp.org/tlog-witness). A refusal that proves the log inconsistent is kept as evidence.
 */
import { asc, desc, eq } from 'drizzle-orm'
import { readVigilExtensions } from '../../core/checkpoint/index.ts'
import { sha256, toBase64, toHex, utf8 } from '../../core/codec/index.ts'
import { EMPTY_ROOT } from '../../core/merkle/index.ts'
import {
  type Cosigner,
  cosign,
  createEd25519Verifier,
  formatSignatureLine,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  type Verifier,
} from '../../core/note/index.ts'
import {
  decideAddCheckpoint,
  parseAddCheckpoint,
  requestOrigin,
  WitnessError,
} from '../../core/witness/index.ts'
import type { Clock, Logger } from '../../platform/context/index.ts'
import type { Db } from '../../platform/db/index.ts'
import { witnessEvidence, witnessLogs } from '../../platform/db/index.ts'

export interface FollowedLog {
  readonly origin: string
  /** The log's Ed25519 verifier keys (several while a key is rotated). */
  readonly vkeys: readonly string[]
}

export type AddCheckpointResult =
  | { status: 200; lines: string }
  | { status: 409; size: bigint }
  | { status: 400 | 403 | 404 | 422; code: string; message: string }

export interface Evidence {
  id: string
  origin: string
  reason: string
  message: string
  oldSize: string
  oldNote: string
  newNote: string
  proof: string[]
  observedAt: string
}

export interface WitnessDeps {
  db: Db
  cosigner: Cosigner
  /** The cosigner's verifier key (printed at start, published at GET /witness). */
  vkey: string
  logs: readonly FollowedLog[]
  clock: Clock
  logger: Logger
  /** Called once per inconsistency found, after it is stored. */
  onEvidence?: (evidence: Evidence) => void
}

const seconds = (d: Date) => BigInt(Math.floor(d.getTime() / 1000))

export class Witness {
  readonly #deps: WitnessDeps
  readonly #keys: Map<string, Verifier[]>
  /** hex SHA-256(origin) → origin, for the monitoring path. */
  readonly #byHash: Map<string, string>

  private constructor(
    deps: WitnessDeps,
    keys: Map<string, Verifier[]>,
    hashes: Map<string, string>,
  ) {
    this.#deps = deps
    this.#keys = keys
    this.#byHash = hashes
  }

  /** Checks the log keys and creates a size-0 state row for each log not seen before. */
  static async open(deps: WitnessDeps): Promise<Witness> {
    const keys = new Map<string, Verifier[]>()
    const hashes = new Map<string, string>()
    for (const log of deps.logs) {
      const verifiers = await Promise.all(
        log.vkeys.map((vkey) => {
          if (parseVerifierKey(vkey).name !== log.origin)
            throw new Error(`the key of ${log.origin} must be named for its origin`)
          return createEd25519Verifier(vkey)
        }),
      )
      keys.set(log.origin, [...(keys.get(log.origin) ?? []), ...verifiers])
      hashes.set(toHex(await sha256(utf8(log.origin))), log.origin)
      await deps.db
        .insert(witnessLogs)
        .values({ origin: log.origin, size: 0n, root: EMPTY_ROOT })
        .onConflictDoNothing()
    }
    return new Witness(deps, keys, hashes)
  }

  get name(): string {
    return this.#deps.cosigner.name
  }

  get vkey(): string {
    return this.#deps.vkey
  }

  /** POST add-checkpoint: the exact c2sp.org/tlog-witness semantics (see core/witness). */
  async addCheckpoint(body: string): Promise<AddCheckpointResult> {
    let request: ReturnType<typeof parseAddCheckpoint>
    let origin: string
    try {
      request = parseAddCheckpoint(body)
      origin = requestOrigin(request)
    } catch (err) {
      if (!(err instanceof WitnessError)) throw err
      return { status: 400, code: err.code, message: err.message }
    }
    const { db, cosigner, clock } = this.#deps
    let found: Evidence | undefined
    const result = await db.transaction(async (tx): Promise<AddCheckpointResult> => {
      // The row lock makes check-and-update atomic across requests and processes.
      const [row] = await tx
        .select()
        .from(witnessLogs)
        .where(eq(witnessLogs.origin, origin))
        .for('update')
      const stored = row ?? { size: 0n, root: EMPTY_ROOT, note: null }
      const state = { ...stored, final: stored.note !== null && isFinal(stored.note) }
      const keys = row === undefined ? undefined : this.#keys.get(origin)
      const decision = await decideAddCheckpoint(request, keys, state)
      if (decision.kind === 'conflict') return { status: 409, size: decision.size }
      if (decision.kind === 'refuse') {
        if (decision.inconsistent && state.note !== null) {
          const [stored] = await tx
            .insert(witnessEvidence)
            .values({
              origin,
              reason: decision.code,
              message: decision.message,
              oldSize: state.size,
              oldNote: state.note,
              newNote: request.note,
              proof: request.proof.map(toBase64).join('\n'),
            })
            .returning()
          if (stored !== undefined) found = toEvidence(stored)
        }
        return { status: decision.status, code: decision.code, message: decision.message }
      }
      const signature = await cosign(decision.text, cosigner, seconds(clock.now()))
      const line = formatSignatureLine(signature)
      await tx
        .update(witnessLogs)
        .set({
          size: decision.checkpoint.size,
          root: decision.checkpoint.root,
          // A frozen origin keeps its final checkpoint (an older one of the same tree may be
          // cosigned again, but never replaces it).
          note: state.final && !isFinal(request.note) ? stored.note : `${request.note}${line}`,
          updatedAt: clock.now(),
        })
        .where(eq(witnessLogs.origin, origin))
      return { status: 200, lines: line }
    })
    if (found !== undefined) {
      this.#deps.logger.error('inconsistent checkpoint refused: evidence kept', {
        origin: found.origin,
        oldSize: found.oldSize,
        evidence: found.id,
      })
      this.#deps.onEvidence?.(found)
    }
    return result
  }

  /** The latest cosigned checkpoint for hex SHA-256(origin), or undefined. */
  async latest(originHash: string): Promise<string | undefined> {
    const origin = this.#byHash.get(originHash.toLowerCase())
    if (origin === undefined) return undefined
    const [row] = await this.#deps.db
      .select({ note: witnessLogs.note })
      .from(witnessLogs)
      .where(eq(witnessLogs.origin, origin))
    return row?.note ?? undefined
  }

  /** What the witness follows and where it stands. */
  async info() {
    const rows = await this.#deps.db.select().from(witnessLogs).orderBy(asc(witnessLogs.origin))
    const followed = new Set(this.#keys.keys())
    return {
      name: this.name,
      vkey: this.vkey,
      logs: rows
        .filter((r) => followed.has(r.origin))
        .map((r) => ({
          origin: r.origin,
          size: String(r.size),
          updatedAt: r.updatedAt.toISOString(),
        })),
    }
  }

  /** Every inconsistency seen, newest first (public: it is evidence against a log). */
  async evidence(limit = 100): Promise<Evidence[]> {
    const rows = await this.#deps.db
      .select()
      .from(witnessEvidence)
      .orderBy(desc(witnessEvidence.id))
      .limit(limit)
    return rows.map(toEvidence)
  }
}

/** The note's checkpoint carries the `final` line (core/checkpoint). */
function isFinal(note: string): boolean {
  try {
    return readVigilExtensions(parseCheckpoint(parseNote(note).text)).final
  } catch {
    return false
  }
}

function toEvidence(row: typeof witnessEvidence.$inferSelect): Evidence {
  return {
    id: String(row.id),
    origin: row.origin,
    reason: row.reason,
    message: row.message,
    oldSize: String(row.oldSize),
    oldNote: row.oldNote,
    newNote: row.newNote,
    proof: row.proof === '' ? [] : row.proof.split('\n'),
    observedAt: row.observedAt.toISOString(),
  }
}
