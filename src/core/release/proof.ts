/**
 * @module core/release/proof
 * Proof that a web release is in the log: the manifest's SHA-256 is the artefact of a
 * `verifier-release` entry with key id `web:<release>` (docs/RELEASES.md). The leaf is rebuilt
 * from the manifest bytes themselves, never from a hash a server claims, and the RFC 9162 §2.1.3
 * inclusion proof must lead to a checkpoint that verifies under the deployment's witness policy
 * (c2sp.org/tlog-policy). What a server says about a release is only where to look.
 */
import { fromHex, sha256, toHex, utf8 } from '../codec/index.ts'
import { CoreError } from '../errors.ts'
import { encodeEntry } from '../leaf/index.ts'
import { hashLeaf, verifyInclusion } from '../merkle/index.ts'
import {
  type Policy,
  parseCheckpoint,
  parseNote,
  verifyCheckpointWithPolicy,
} from '../note/index.ts'
import { CLOCK_SKEW_SECONDS } from '../shc/index.ts'
import { webReleaseKeyId } from './manifest.ts'

/** A release as the deployment's feed lists it (GET /release/feed.json). */
export interface ReleaseRecord {
  readonly release: number
  /** Hex SHA-256 of the manifest bytes. */
  readonly sha256: string
  readonly version: string
  readonly commit: string
  /** Null until the entry is integrated. */
  readonly leafIndex: number | null
  /** The entry's time: the hour the release was published (POSIX seconds). */
  readonly entryTime: number
}

/** An inclusion proof of a release entry, as a worker or page keeps it (JSON-safe). */
export interface ReleaseProof {
  readonly release: number
  readonly leafIndex: number
  readonly checkpoint: string
  readonly proof: readonly string[]
}

/** What a verified proof establishes. */
export interface ProvenRelease {
  readonly release: number
  readonly leafIndex: number
  readonly size: bigint
  /** Witness cosignatures that verified on the checkpoint. */
  readonly cosignatures: number
}

export type ReleaseProofCode = 'RELEASE_NOT_LOGGED' | 'RELEASE_PROOF'

export class ReleaseProofError extends CoreError<ReleaseProofCode> {}

export interface ReleaseProofSource {
  checkpoint(): Promise<string>
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>
}

/** The log's leaf hash for release `release` of the manifest bytes `text`. */
export async function releaseLeafHash(
  text: string,
  release: number,
  entryTime: number,
): Promise<Uint8Array> {
  return hashLeaf(
    encodeEntry({
      kind: 'verifier-release',
      artefactHash: await sha256(utf8(text)),
      keyId: webReleaseKeyId(release),
      time: entryTime,
    }),
  )
}

/** Hex SHA-256 of a manifest's bytes (the feed's `sha256`). */
export async function manifestHash(text: string): Promise<string> {
  return toHex(await sha256(utf8(text)))
}

/** Fetches (unchecked) the inclusion proof of a feed record against the log's latest checkpoint. */
export async function fetchReleaseProof(
  record: ReleaseRecord,
  source: ReleaseProofSource,
): Promise<ReleaseProof> {
  if (record.leafIndex === null) {
    throw new ReleaseProofError('RELEASE_NOT_LOGGED', 'the release waits to be logged', {
      field: 'leafIndex',
    })
  }
  const checkpoint = await source.checkpoint()
  const size = parseCheckpoint(parseNote(checkpoint).text).size
  if (BigInt(record.leafIndex) >= size) {
    throw new ReleaseProofError('RELEASE_NOT_LOGGED', 'no checkpoint covers the release yet', {
      field: 'leafIndex',
    })
  }
  const proof = await source.inclusionProof(BigInt(record.leafIndex), size)
  return {
    release: record.release,
    leafIndex: record.leafIndex,
    checkpoint,
    proof: proof.map(toHex),
  }
}

/**
 * Verifies that the manifest bytes `text` are release `record.release` at `record.leafIndex`:
 * the checkpoint under `policy` (for `origin`), then the leaf rebuilt from `text`.
 * RELEASE_PROOF on any failure.
 */
export async function checkReleaseProof(
  text: string,
  record: ReleaseRecord,
  kept: ReleaseProof,
  trust: { policy: Policy; origin: string },
  now: number,
): Promise<ProvenRelease> {
  const refused = (message: string, cause?: unknown) =>
    new ReleaseProofError('RELEASE_PROOF', message, { field: 'proof', cause })
  if (record.leafIndex === null || kept.leafIndex !== record.leafIndex) {
    throw refused('the proof is for another ledger index')
  }
  if (kept.release !== record.release) throw refused('the proof is for another release')
  let verified: Awaited<ReturnType<typeof verifyCheckpointWithPolicy>>
  try {
    verified = await verifyCheckpointWithPolicy(kept.checkpoint, trust.policy, {
      origin: trust.origin,
      notAfter: BigInt(Math.floor(now) + CLOCK_SKEW_SECONDS),
    })
  } catch (cause) {
    throw refused('the checkpoint does not verify under the witness policy', cause)
  }
  const { size, root } = verified.checkpoint
  try {
    const leaf = await releaseLeafHash(text, record.release, record.entryTime)
    verifyInclusion(leaf, BigInt(record.leafIndex), size, kept.proof.map(fromHex), root)
  } catch (cause) {
    throw refused('these manifest bytes are not the release logged at that index', cause)
  }
  return {
    release: record.release,
    leafIndex: record.leafIndex,
    size,
    cosignatures: verified.cosignatures.length,
  }
}
