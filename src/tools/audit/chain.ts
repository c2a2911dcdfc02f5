/**
 * @module tools/audit/chain
 * The checkpoint side of an audit, in size order: each note must parse, be signed by the log key,
 * name the previous note's SHA-256 in `prev`, carry the root recomputed from the entries at its
 * size, and be consistent with the one before (a proof built from the recomputed tree, verified
 * against both signed roots).
 */
import { equalBytes, sha256, toBase64, utf8 } from '../../core/codec/index.ts'
import { type CompactRange, type StoredHash, verifyConsistency } from '../../core/merkle/index.ts'
import { createEd25519Verifier, openNote, parseNote, type Verifier } from '../../core/note/index.ts'
import { parseVigilCheckpoint, type VigilCheckpoint } from '../../services/ledger/index.ts'
import { ConsistencyCapture } from './consistency.ts'
import type { AuditCheckpoint, AuditFinding, AuditHead } from './types.ts'

type Add = (f: AuditFinding) => void
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e))

export class ChainChecker {
  count = 0
  readonly #verifiers: Verifier[]
  readonly #pages: AsyncIterator<AuditCheckpoint[]>
  readonly #add: Add
  #queue: AuditCheckpoint[] = []
  #origin: string | undefined
  #previous: { size: bigint; hash: Uint8Array; note: string; root?: Uint8Array } | undefined
  readonly #consistency = new ConsistencyCapture()
  /** Called with each checkpoint whose root the entries give. */
  onRoot: ((size: bigint, root: Uint8Array) => void) | undefined

  private constructor(verifiers: Verifier[], pages: AsyncIterable<AuditCheckpoint[]>, add: Add) {
    this.#verifiers = verifiers
    this.#pages = pages[Symbol.asyncIterator]()
    this.#add = add
  }

  static async open(
    vkey: string | readonly string[],
    pages: AsyncIterable<AuditCheckpoint[]>,
    add: Add,
  ) {
    const vkeys = typeof vkey === 'string' ? [vkey] : vkey
    return new ChainChecker(
      await Promise.all(vkeys.map((k) => createEd25519Verifier(k))),
      pages,
      add,
    )
  }

  /** The size of the next checkpoint to check, if any. */
  async nextSize(): Promise<bigint | undefined> {
    while (this.#queue.length === 0) {
      const page = await this.#pages.next()
      if (page.done) return undefined
      this.#queue = [...page.value]
    }
    return this.#queue[0]?.size
  }

  /** Keeps the hashes the next consistency proof will ask for. */
  capture(stored: readonly StoredHash[]): void {
    this.#consistency.capture(stored)
  }

  /** Checks every queued checkpoint up to the recomputed tree's size (a smaller one is out of order). */
  async at(range: CompactRange): Promise<void> {
    for (let size = await this.nextSize(); size !== undefined && size <= range.size; ) {
      await this.#check(this.#queue.shift() as AuditCheckpoint, range)
      size = await this.nextSize()
    }
  }

  async #check(c: AuditCheckpoint, range: CompactRange): Promise<void> {
    this.count++
    const fail = (code: AuditFinding['code'], message: string) =>
      this.#add({ code, at: `checkpoint ${c.size}`, size: c.size, message })
    const hash = await sha256(utf8(c.note))
    let parsed: VigilCheckpoint | undefined
    try {
      parsed = parseVigilCheckpoint(parseNote(c.note).text)
    } catch (e) {
      fail('AUDIT_CHECKPOINT_MALFORMED', reason(e))
    }
    if (parsed !== undefined) {
      if (parsed.size !== c.size) fail('AUDIT_CHECKPOINT_MALFORMED', `the note says ${parsed.size}`)
      if (!this.#verifiers.some((v) => v.name === parsed.origin))
        fail('AUDIT_CHECKPOINT_MALFORMED', `origin ${parsed.origin} is not the log key's name`)
      // One log, one origin (c2sp.org/tlog-checkpoint): a name that changes is another log.
      this.#origin ??= parsed.origin
      if (parsed.origin !== this.#origin)
        fail('AUDIT_CHECKPOINT_MALFORMED', `origin ${parsed.origin}, not ${this.#origin}`)
      await openNote(c.note, this.#verifiers).catch((e) =>
        fail('AUDIT_CHECKPOINT_SIGNATURE', `not signed by the log key (${reason(e)})`),
      )
    }
    const prev = this.#previous
    if (prev === undefined ? c.size !== 0n : c.size <= prev.size)
      fail('AUDIT_CHAIN_BROKEN', `sizes must start at 0 and grow (previous ${prev?.size ?? '-'})`)
    if (c.noteHash !== undefined && !equalBytes(c.noteHash, hash))
      fail('AUDIT_CHAIN_BROKEN', 'the stored note hash is not SHA-256 of the note')
    if (parsed !== undefined) {
      if (prev === undefined && parsed.prev !== undefined)
        fail('AUDIT_CHAIN_BROKEN', 'the first checkpoint names a predecessor')
      if (prev !== undefined && !(parsed.prev && equalBytes(parsed.prev, prev.hash)))
        fail('AUDIT_CHAIN_BROKEN', `prev is not SHA-256 of checkpoint ${prev.size}`)
      if (c.size === range.size) await this.#checkTree(c.size, parsed.root, range, fail)
    }
    this.#previous = { size: c.size, hash, note: c.note, root: parsed?.root }
    await this.#consistency.plan(range, await this.nextSize())
  }

  async #checkTree(
    size: bigint,
    root: Uint8Array,
    range: CompactRange,
    fail: (code: AuditFinding['code'], m: string) => void,
  ) {
    const computed = range.root()
    if (equalBytes(root, computed)) this.onRoot?.(size, root)
    else
      fail(
        'AUDIT_CHECKPOINT_ROOT',
        `root ${toBase64(root)}, the entries give ${toBase64(computed)}`,
      )
    const prev = this.#previous
    if (prev?.root === undefined || prev.size === 0n || prev.size >= size) return
    try {
      const proof = await this.#consistency.prove(prev.size, size)
      verifyConsistency(prev.size, size, prev.root, root, proof)
    } catch (e) {
      fail('AUDIT_CONSISTENCY', `not consistent with checkpoint ${prev.size} (${reason(e)})`)
    }
  }

  /** The chain must end at the head the source serves, and match its sequencer state. */
  async finish(head: AuditHead, range: CompactRange): Promise<void> {
    const fail = (message: string) =>
      this.#add({
        code: 'AUDIT_STATE_MISMATCH',
        at: `checkpoint ${head.size}`,
        size: head.size,
        message,
      })
    const last = this.#previous
    if ((await this.nextSize()) !== undefined)
      fail(`checkpoint ${this.#queue[0]?.size} is out of order`)
    if (last?.size !== head.size)
      fail(`the chain ends at ${last?.size ?? 'nothing'}, not at the head`)
    else if (head.note !== undefined && head.note !== last.note)
      fail('the served head is not in the chain')
    const s = head.state
    if (s === undefined) return
    if (s === null) fail('log_state has no row')
    else if (s.size !== head.size || s.checkpointSize !== head.size)
      fail(`log_state has size ${s.size}, checkpoint ${s.checkpointSize}`)
    else if (!equalBytes(s.compactRange, range.encode()))
      fail('log_state holds a compact range the entries do not give')
  }
}
