/**
 * @module core/note/verify-checkpoint
 * Checking a signed checkpoint against a witness policy (c2sp.org/tlog-policy, tlog-proof §2-3):
 * a log listed for the checkpoint's origin must have signed it, every cosignature from a known
 * witness must verify, and the verified witnesses must meet the quorum.
 */
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts'
import { verifyCosignature } from './cosignature.ts'
import { NoteError } from './errors.ts'
import { parseNote } from './note.ts'
import { keyRef, openNote } from './open-note.ts'
import { compilePolicy, type Policy } from './policy.ts'
import { createEd25519Verifier } from './signer.ts'

export interface VerifyCheckpointOptions {
  /** Reject unless the checkpoint origin is exactly this. */
  readonly origin?: string
  /** Reject cosignatures timestamped after this POSIX time in seconds (the caller's clock). */
  readonly notAfter?: bigint
}

export interface WitnessCosignature {
  /** The witness name in the policy. */
  readonly witness: string
  /** The key name on the signature line. */
  readonly keyName: string
  readonly keyId: number
  readonly timestamp: bigint
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint
  /** The signed checkpoint text. */
  readonly text: string
  readonly log: { readonly name: string; readonly keyId: number }
  readonly cosignatures: readonly WitnessCosignature[]
}

/** Bounds on the cache below (a verifier holds one policy or a few, and recent checkpoints). */
const POLICY_LIMIT = 16
const CACHE_LIMIT = 1024
/**
 * Successful verifications by (policy, exact note text). A venue checks many receipts that carry
 * the same signed checkpoint, and the answer is a pure function of the note text (signatures
 * included) and the policy: any other byte, such as another signature line, is a miss and a
 * full verification. Failures are never kept.
 */
const verifiedNotes = new Map<string, Map<string, VerifiedCheckpoint>>()

/** The per-call options, checked on a cached result in the order the full check meets them. */
function checkOptions(verified: VerifiedCheckpoint, options: VerifyCheckpointOptions): void {
  if (options.origin !== undefined && verified.checkpoint.origin !== options.origin) {
    throw new NoteError('CHECKPOINT_ORIGIN', 'unexpected checkpoint origin', { field: 'origin' })
  }
  const { notAfter } = options
  const future = verified.cosignatures.find((c) => notAfter !== undefined && c.timestamp > notAfter)
  if (future !== undefined) {
    throw new NoteError('COSIGNATURE_FUTURE', 'cosignature from the future', {
      field: future.witness,
    })
  }
}

export async function verifyCheckpointWithPolicy(
  noteText: string,
  policy: Policy,
  options: VerifyCheckpointOptions = {},
): Promise<VerifiedCheckpoint> {
  const policyKey = JSON.stringify(policy)
  const byNote = verifiedNotes.get(policyKey)
  const cached = byNote?.get(noteText)
  if (cached !== undefined) {
    checkOptions(cached, options)
    return copy(cached)
  }
  const verified = await verifyUncached(noteText, policy, options)
  const notes = byNote ?? new Map<string, VerifiedCheckpoint>()
  if (notes.size >= CACHE_LIMIT) notes.clear()
  notes.set(noteText, copy(verified))
  if (byNote === undefined) {
    if (verifiedNotes.size >= POLICY_LIMIT) verifiedNotes.clear()
    verifiedNotes.set(policyKey, notes)
  }
  return verified
}

/** Callers get their own root bytes and arrays, so nothing they do reaches the cache. */
function copy(v: VerifiedCheckpoint): VerifiedCheckpoint {
  const checkpoint = { ...v.checkpoint, root: v.checkpoint.root.slice() }
  return {
    ...v,
    checkpoint,
    log: { ...v.log },
    cosignatures: v.cosignatures.map((c) => ({ ...c })),
  }
}

async function verifyUncached(
  noteText: string,
  policy: Policy,
  options: VerifyCheckpointOptions,
): Promise<VerifiedCheckpoint> {
  const compiled = compilePolicy(policy)
  const note = parseNote(noteText)
  const checkpoint = parseCheckpoint(note.text)
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new NoteError('CHECKPOINT_ORIGIN', 'unexpected checkpoint origin', { field: 'origin' })
  }
  // tlog-policy: a log's key name MUST correspond to its origin line.
  const logKeys = compiled.logs.filter((k) => k.name === checkpoint.origin)
  if (logKeys.length === 0) {
    throw new NoteError('CHECKPOINT_ORIGIN', 'no log in the policy for this origin', {
      field: 'origin',
    })
  }
  const opened = await openNote(note, await Promise.all(logKeys.map(createEd25519Verifier)))
  const [log] = opened.verified
  if (log === undefined) throw new NoteError('NOTE_UNKNOWN_KEY', 'no log signature')

  const byRef = new Map(
    [...compiled.witnesses].map(([name, key]) => [keyRef(key.name, key.keyId), name]),
  )
  const cosignatures: WitnessCosignature[] = []
  for (const sig of opened.unverified) {
    const witness = byRef.get(keyRef(sig.name, sig.keyId))
    const key = witness === undefined ? undefined : compiled.witnesses.get(witness)
    if (witness === undefined || key === undefined) continue // unknown keys are ignored
    if (cosignatures.some((c) => c.witness === witness)) {
      throw new NoteError('NOTE_DUPLICATE_SIGNATURE', 'a witness cosigns twice', { field: witness })
    }
    const timestamp = await verifyCosignature(note.text, sig.signature, key)
    if (options.notAfter !== undefined && timestamp > options.notAfter) {
      throw new NoteError('COSIGNATURE_FUTURE', 'cosignature from the future', { field: witness })
    }
    cosignatures.push({ witness, keyName: sig.name, keyId: sig.keyId, timestamp })
  }
  if (!compiled.isSatisfied(new Set(cosignatures.map((c) => c.witness)))) {
    throw new NoteError(
      'POLICY_NOT_MET',
      `witness quorum not met (${cosignatures.length} verified)`,
    )
  }
  return { checkpoint, text: note.text, log: { name: log.name, keyId: log.keyId }, cosignatures }
}
