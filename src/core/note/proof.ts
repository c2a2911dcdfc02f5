/**
 * @module core/note/proof
 * Offline proofs of logging, c2sp.org/tlog-proof@v1: a header line, optional `extra <base64>`
 * (unauthenticated: never trust it implicitly), `index <N>`, zero or more base64 inclusion-proof
 * hashes (leaf's sibling first), an empty line, then the checkpoint note verbatim.
 */
import { fromBase64, toBase64 } from '../codec/index.ts'
import { createVerifiedPaths, verifyInclusionKept } from '../merkle/index.ts'
import { NoteError } from './errors.ts'
import { MAX_NOTE_LENGTH, parseNote } from './note.ts'
import type { Policy } from './policy.ts'
import { parseU64, U64_LIMIT } from './text.ts'
import {
  type VerifiedCheckpoint,
  type VerifyCheckpointOptions,
  verifyCheckpointWithPolicy,
} from './verify-checkpoint.ts'

const HEADER = 'c2sp.org/tlog-proof@v1'
/** A tree of fewer than 2^64 leaves has inclusion proofs of at most 64 hashes. */
const MAX_PROOF_HASHES = 64
/** The note plus generous room for the header, extra data and proof lines. */
const MAX_PROOF_LENGTH = MAX_NOTE_LENGTH + 64 * 1024

export interface TlogProof {
  /** Opaque, unauthenticated application data. */
  readonly extra?: Uint8Array
  readonly index: bigint
  readonly proof: readonly Uint8Array[]
  /** The checkpoint note, verbatim, with its signature and cosignature lines. */
  readonly checkpoint: string
}

export interface VerifiedTlogProof extends VerifiedCheckpoint {
  readonly index: bigint
  readonly extra?: Uint8Array
}

function fail(message: string, field?: string, cause?: unknown): NoteError {
  return new NoteError('PROOF_MALFORMED', message, { field, cause })
}

function decode(text: string, field: string): Uint8Array {
  try {
    return fromBase64(text)
  } catch (cause) {
    throw fail('invalid base64', field, cause)
  }
}

export function parseTlogProof(text: string): TlogProof {
  if (text.length > MAX_PROOF_LENGTH) throw fail('tlog-proof too large')
  let pos = 0
  const next = (field: string): string => {
    const end = text.indexOf('\n', pos)
    if (end < 0) throw fail('unexpected end of tlog-proof', field)
    const line = text.slice(pos, end)
    pos = end + 1
    return line
  }
  if (next('header') !== HEADER) throw fail('not a c2sp.org/tlog-proof@v1', 'header')
  let line = next('index')
  let extra: Uint8Array | undefined
  if (line.startsWith('extra ')) {
    extra = decode(line.slice('extra '.length), 'extra')
    line = next('index')
  }
  const index = line.startsWith('index ') ? parseU64(line.slice('index '.length)) : undefined
  if (index === undefined) throw fail('expected index <u64 decimal, no leading zeros>', 'index')
  const proof: Uint8Array[] = []
  for (line = next('proof'); line !== ''; line = next('proof')) {
    if (proof.length === MAX_PROOF_HASHES) throw fail('too many proof hashes', 'proof')
    const hash = decode(line, 'proof')
    if (hash.length !== 32) throw fail('proof hashes are 32 bytes', 'proof')
    proof.push(hash)
  }
  const checkpoint = text.slice(pos)
  if (checkpoint === '') throw fail('missing checkpoint', 'checkpoint')
  return extra === undefined ? { index, proof, checkpoint } : { extra, index, proof, checkpoint }
}

export function formatTlogProof(proof: TlogProof): string {
  if (proof.index < 0n || proof.index >= U64_LIMIT) throw fail('index out of range', 'index')
  if (proof.proof.length > MAX_PROOF_HASHES || proof.proof.some((h) => h.length !== 32)) {
    throw fail('at most 64 proof hashes of 32 bytes', 'proof')
  }
  parseNote(proof.checkpoint) // the checkpoint must be a well-formed signed note
  const lines = [HEADER]
  if (proof.extra !== undefined) lines.push(`extra ${toBase64(proof.extra)}`)
  lines.push(`index ${proof.index}`, ...proof.proof.map(toBase64), '')
  return `${lines.join('\n')}\n${proof.checkpoint}`
}

/**
 * Proof paths that verified, per tree, kept across receipts (merkle/verified-paths.ts): cards
 * issued near each other share most of their path, so a later receipt on the same checkpoint
 * usually needs one or two hashes instead of one per level.
 */
const verifiedPaths = createVerifiedPaths()

/**
 * tlog-proof §Verifying: check the log signature and witness quorum under `policy`, then that
 * the inclusion proof binds `leafHash` (computed by the caller from the entry) to the root.
 */
export async function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  policy: Policy,
  options: VerifyCheckpointOptions = {},
): Promise<VerifiedTlogProof> {
  const parsed = parseTlogProof(text)
  const verified = await verifyCheckpointWithPolicy(parsed.checkpoint, policy, options)
  const { size, root } = verified.checkpoint
  try {
    verifyInclusionKept(verifiedPaths, leafHash, parsed.index, size, parsed.proof, root)
  } catch (cause) {
    throw new NoteError('PROOF_INCLUSION', 'inclusion proof does not verify', { cause })
  }
  const result = { ...verified, index: parsed.index }
  return parsed.extra === undefined ? result : { ...result, extra: parsed.extra }
}
