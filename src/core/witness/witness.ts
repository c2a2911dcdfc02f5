/**
 * @module core/witness/witness
 * The witness's decision for one add-checkpoint request (c2sp.org/tlog-witness §add-checkpoint),
 * as a pure function of the request, the log's trusted keys and the witness's stored state for
 * the origin. The caller does the check-and-update atomically (holds the state row while this
 * runs, then persists on `cosign`), which the spec requires to avoid the rollback race.
 *
 * Order of checks (each a status): unknown origin 404; no trusted log signature 403; old above
 * the size 400; old not the size last cosigned 409 (with that size); a size-0 checkpoint with a
 * root other than the empty tree's 422; proof lines with old = 0 422; a consistency proof from
 * the stored root that fails 422 (equal sizes need equal roots). A failed proof is evidence: the
 * log signed two checkpoints that cannot both be true. After a final checkpoint (a frozen log
 * shard), any checkpoint of the origin past its size is refused 422 and kept as evidence too.
 */
import { equalBytes } from '../codec/index.ts'
import { EMPTY_ROOT, verifyConsistency } from '../merkle/index.ts'
import type { Verifier } from '../note/index.ts'
import { type Checkpoint, openNote, parseCheckpoint, parseNote } from '../note/index.ts'
import { WitnessError, type WitnessErrorCode } from './errors.ts'
import type { AddCheckpointRequest } from './request.ts'

/** What the witness last cosigned for one origin (size 0 and the empty root before the first). */
export interface WitnessState {
  readonly size: bigint
  readonly root: Uint8Array
  /** What it cosigned last was a final checkpoint (`final` line): the log is frozen at `size`. */
  readonly final?: boolean
}

export type WitnessDecision =
  | { readonly kind: 'cosign'; readonly checkpoint: Checkpoint; readonly text: string }
  | { readonly kind: 'conflict'; readonly size: bigint }
  | {
      readonly kind: 'refuse'
      readonly status: 400 | 403 | 404 | 422
      readonly code: WitnessErrorCode
      readonly message: string
      /** Set when the refusal proves the log inconsistent: keep both checkpoints and the proof. */
      readonly inconsistent?: true
    }

const refuse = (
  status: 400 | 403 | 404 | 422,
  code: WitnessErrorCode,
  message: string,
  inconsistent?: true,
): WitnessDecision => ({
  kind: 'refuse',
  status,
  code,
  message,
  ...(inconsistent ? { inconsistent } : {}),
})

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** The origin a request is about, so the caller can load (and lock) that origin's state. */
export function requestOrigin(request: AddCheckpointRequest): string {
  try {
    return parseCheckpoint(parseNote(request.note).text).origin
  } catch (err) {
    throw new WitnessError('WITNESS_BAD_REQUEST', `not a checkpoint note: ${reason(err)}`, {
      cause: err,
    })
  }
}

/**
 * Decides one request. `logKeys` are the trusted Ed25519 verifiers of the origin (undefined: the
 * witness does not follow it); `state` is what it cosigned last for the origin.
 */
export async function decideAddCheckpoint(
  request: AddCheckpointRequest,
  logKeys: readonly Verifier[] | undefined,
  state: WitnessState,
): Promise<WitnessDecision> {
  let checkpoint: Checkpoint
  let text: string
  try {
    const note = parseNote(request.note)
    checkpoint = parseCheckpoint(note.text)
    text = note.text
  } catch (err) {
    return refuse(400, 'WITNESS_BAD_REQUEST', `not a checkpoint note: ${reason(err)}`)
  }
  if (logKeys === undefined || logKeys.length === 0) {
    return refuse(404, 'WITNESS_UNKNOWN_LOG', `this witness does not follow ${checkpoint.origin}`)
  }
  try {
    await openNote(request.note, logKeys)
  } catch (err) {
    return refuse(403, 'WITNESS_BAD_SIGNATURE', `no valid log signature: ${reason(err)}`)
  }
  // A frozen shard never grows (docs/LEDGER.md "Shards"): past its final size is proof of a
  // forgery, whatever `old` says.
  if (state.final === true && checkpoint.size > state.size) {
    return refuse(
      422,
      'WITNESS_SHARD_FROZEN',
      `${checkpoint.origin} is frozen at size ${state.size} (its final checkpoint); refused size ${checkpoint.size}`,
      true,
    )
  }
  if (request.old > checkpoint.size) {
    return refuse(400, 'WITNESS_OLD_ABOVE_SIZE', `old ${request.old} > size ${checkpoint.size}`)
  }
  if (request.old !== state.size) return { kind: 'conflict', size: state.size }
  if (checkpoint.size === 0n && !equalBytes(checkpoint.root, EMPTY_ROOT)) {
    return refuse(422, 'WITNESS_BAD_EMPTY_ROOT', 'a size-0 checkpoint must carry the empty root')
  }
  if (request.old === 0n) {
    if (request.proof.length > 0) {
      return refuse(422, 'WITNESS_UNEXPECTED_PROOF', 'old is 0: the proof must be empty')
    }
    return { kind: 'cosign', checkpoint, text }
  }
  try {
    verifyConsistency(state.size, checkpoint.size, state.root, checkpoint.root, request.proof)
  } catch (err) {
    return refuse(
      422,
      'WITNESS_INCONSISTENT',
      `not consistent with the checkpoint of size ${state.size} this witness cosigned: ${reason(err)}`,
      true,
    )
  }
  return { kind: 'cosign', checkpoint, text }
}
