/**
 * @module tools/audit/routes
 * A remote audit also holds the routes a verifier relies on to the recomputed tree: the
 * k-anonymous lookup (every leaf under its own hash, once, at its index — core/verify locates a
 * card by it), and the inclusion proofs, consistency proofs and tlog-proof receipts the log
 * serves (RFC 9162 §2.1.3, §2.1.4; c2sp.org/tlog-proof). The lookup is read bucket by bucket up
 * front into 32 bytes per leaf; proofs are sampled (one leaf per bundle, up to 32 checkpoints).
 */
import { equalBytes, toHex } from '../../core/codec/index.ts'
import { LogClientError } from '../../core/log-client/index.ts'
import { HASH_SIZE, verifyConsistency, verifyInclusion } from '../../core/merkle/index.ts'
import { parseCheckpoint, parseNote, parseTlogProof } from '../../core/note/index.ts'
import { leafFinding } from './leaf.ts'
import type { AuditFinding, AuditRoutes } from './types.ts'

const CONSISTENCY_SAMPLES = 32
const IN_FLIGHT = 8

export class RouteChecker {
  readonly #routes: AuditRoutes
  readonly #size: bigint
  readonly #hashes: Uint8Array
  /** How many times the lookup lists each index (saturating at 2). */
  readonly #seen: Uint8Array
  /** The first index ≥ size the lookup lists (an extra row, unless the log grew meanwhile). */
  beyond: bigint | undefined
  readonly #samples: { index: bigint; hash: Uint8Array }[] = []
  readonly #roots: { size: bigint; root: Uint8Array }[] = []
  readonly findings: AuditFinding[] = []

  private constructor(routes: AuditRoutes, size: bigint) {
    this.#routes = routes
    this.#size = size
    this.#hashes = new Uint8Array(Number(size) * HASH_SIZE)
    this.#seen = new Uint8Array(Number(size))
  }

  static async open(routes: AuditRoutes, size: bigint): Promise<RouteChecker> {
    const checker = new RouteChecker(routes, size)
    await checker.#readLookup()
    return checker
  }

  async #readLookup(): Promise<void> {
    try {
      for await (const { prefix, pairs } of this.#routes.lookupAll()) {
        for (const { index, leafHash } of pairs) {
          if (!toHex(leafHash).startsWith(prefix)) {
            this.#lookupProblem(prefix, `lists a hash outside the bucket at index ${index}`)
          } else if (index >= this.#size) {
            if (this.beyond === undefined || index < this.beyond) this.beyond = index
          } else {
            const i = Number(index)
            this.#seen[i] = Math.min(2, (this.#seen[i] as number) + 1)
            this.#hashes.set(leafHash, i * HASH_SIZE)
          }
        }
      }
    } catch (e) {
      // A failure status (but 503, an outage) is the lookup failing verifiers: a finding. No
      // answer, or one that cannot be read, stops the audit.
      if (!(e instanceof LogClientError) || e.status === undefined || e.status === 503) throw e
      this.#lookupProblem('', e.message)
    }
  }

  #lookupProblem(prefix: string, message: string) {
    const at = `lookup/${prefix}`
    this.findings.push({ code: 'AUDIT_LOOKUP_MISMATCH', at, message })
  }

  /** The lookup must list leaf `index` once, under the hash the tiles hold. */
  leaf(index: bigint, hash: Uint8Array): AuditFinding | undefined {
    const i = Number(index)
    const seen = this.#seen[i]
    const served = this.#hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)
    const problem =
      seen === 0
        ? 'the lookup does not list this leaf'
        : seen === 2
          ? 'the lookup lists this index more than once'
          : equalBytes(served, hash)
            ? undefined
            : `the lookup gives hash ${toHex(served)}`
    return problem === undefined ? undefined : leafFinding('AUDIT_LOOKUP_MISMATCH', index, problem)
  }

  /** Keeps a leaf whose inclusion proof will be asked for. */
  sample(index: bigint, hash: Uint8Array): void {
    this.#samples.push({ index, hash })
  }

  /** Keeps a checkpoint whose root the entries gave (for consistency proofs to the head). */
  root(size: bigint, root: Uint8Array): void {
    this.#roots.push({ size, root })
  }

  /** Proofs to the head (the last root kept), each checked against the recomputed roots. */
  async proofs(): Promise<AuditFinding[]> {
    const head = this.#roots.at(-1)
    if (head === undefined || head.size !== this.#size) return []
    const out: AuditFinding[] = []
    const fail = (f: Omit<AuditFinding, 'code'>) => out.push({ code: 'AUDIT_PROOF_MISMATCH', ...f })
    // A few requests in flight at once: one leaf per bundle adds up on a large log.
    for (let k = 0; k < this.#samples.length; k += IN_FLIGHT) {
      const batch = this.#samples.slice(k, k + IN_FLIGHT)
      await Promise.all(
        batch.map(({ index, hash }) =>
          this.#try(
            async () => {
              const proof = await this.#routes.inclusion(index, head.size)
              verifyInclusion(hash, index, head.size, proof, head.root)
            },
            (m) => fail({ at: `index ${index}`, index, message: `inclusion proof: ${m}` }),
          ),
        ),
      )
    }
    const older = this.#roots.filter((r) => r.size > 0n && r.size < head.size)
    const step = Math.max(1, Math.ceil(older.length / CONSISTENCY_SAMPLES))
    for (let k = 0; k < older.length; k += step) {
      const { size, root } = older[k] as { size: bigint; root: Uint8Array }
      await this.#try(
        async () =>
          verifyConsistency(
            size,
            head.size,
            root,
            head.root,
            await this.#routes.consistency(size, head.size),
          ),
        (m) => fail({ at: `checkpoint ${size}`, size, message: `consistency proof: ${m}` }),
      )
    }
    const last = this.#samples.at(-1)
    if (last !== undefined) {
      await this.#try(
        async () => {
          const receipt = parseTlogProof(await this.#routes.receipt(last.index))
          const c = parseCheckpoint(parseNote(receipt.checkpoint).text)
          // A receipt against a newer checkpoint (the log grew) is outside the audited tree.
          if (c.size !== head.size) return
          if (!equalBytes(c.root, head.root)) throw new Error('its checkpoint has another root')
          verifyInclusion(last.hash, receipt.index, c.size, receipt.proof, c.root)
          if (receipt.index !== last.index) throw new Error(`it is for index ${receipt.index}`)
        },
        (m) => fail({ at: `index ${last.index}`, index: last.index, message: `receipt: ${m}` }),
      )
    }
    return out
  }

  async #try(check: () => Promise<unknown>, fail: (message: string) => void): Promise<void> {
    try {
      await check()
    } catch (e) {
      // An outage (no answer, or 503) stops the audit; any other failure is the route's finding.
      if (e instanceof LogClientError && (e.code === 'NETWORK' || e.status === 503)) throw e
      fail(e instanceof Error ? e.message : String(e))
    }
  }
}
