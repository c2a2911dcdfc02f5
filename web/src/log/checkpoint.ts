/**
 * The current checkpoint, verified in the browser: the log's vkey from `/log/key`, the signed note
 * from `/log/checkpoint`, checked with core/note under a policy that trusts that one log key.
 * Vigil checkpoints carry two extension lines: `time <POSIX seconds>` and `prev <base64 SHA-256
 * of the previous signed note>` (core/checkpoint); the chain link is checked too.
 */
import { readVigilExtensions } from '../../../src/core/checkpoint/index.ts'
import { equalBytes, sha256, toBase64, utf8 } from '../../../src/core/codec/index.ts'
import {
  type Checkpoint,
  type Policy,
  parseVerifierKey,
  verifyCheckpointWithPolicy,
} from '../../../src/core/note/index.ts'
import { log, PageError } from './api.ts'

export interface VerifiedLogCheckpoint {
  readonly checkpoint: Checkpoint
  /** The signed note as served. */
  readonly note: string
  readonly vkey: string
  readonly keyName: string
  readonly keyId: number
  /** Signing time, POSIX seconds (the `time` line), or undefined when absent. */
  readonly time: number | undefined
  /** SHA-256 of the previous signed note (the `prev` line); undefined for the first checkpoint. */
  readonly prev: Uint8Array | undefined
}

export function policyFor(vkey: string): Policy {
  return { logs: [{ vkey }], witnesses: [], quorum: 'none' }
}

/** Fetches the vkey and the checkpoint and verifies the signature; throws with a code. */
export async function loadVerifiedCheckpoint(): Promise<VerifiedLogCheckpoint> {
  const [vkey, note] = await Promise.all([log.key(), log.checkpoint()])
  parseVerifierKey(vkey) // a malformed key fails here with NOTE_VKEY_MALFORMED
  const verified = await verifyCheckpointWithPolicy(note, policyFor(vkey))
  const { time, prev } = readVigilExtensions(verified.checkpoint)
  return {
    checkpoint: verified.checkpoint,
    note,
    vkey,
    keyName: verified.log.name,
    keyId: verified.log.keyId,
    time,
    prev,
  }
}

export interface ChainLink {
  /** Size of the previous checkpoint the `prev` line points at. */
  readonly size: bigint
}

/**
 * Checks the `prev` hash chain one step back: the newest checkpoint below this size must hash to
 * `prev` and carry a valid signature from the same key.
 */
export async function checkChainLink(current: VerifiedLogCheckpoint): Promise<ChainLink> {
  if (current.prev === undefined) throw new RangeError('the first checkpoint has no chain link')
  const size = current.checkpoint.size
  const [previous] = (await log.checkpoints({ before: size, limit: 1 })).checkpoints
  if (previous === undefined) {
    throw new PageError('CHAIN_PREVIOUS_MISSING', 'the log lists no earlier checkpoint')
  }
  const hash = await sha256(utf8(previous.note))
  if (!equalBytes(hash, current.prev)) {
    throw new PageError(
      'CHAIN_MISMATCH',
      `the checkpoint of size ${previous.size} does not hash to prev (${toBase64(hash)})`,
      { field: 'prev' },
    )
  }
  const verified = await verifyCheckpointWithPolicy(previous.note, policyFor(current.vkey))
  if (verified.checkpoint.size >= size) {
    throw new PageError('CHAIN_ORDER', 'the previous checkpoint is not smaller')
  }
  return { size: verified.checkpoint.size }
}
