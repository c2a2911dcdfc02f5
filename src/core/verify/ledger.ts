/**
 * @module core/verify/ledger
 * Proving that a card is in a Vigil ledger without telling the log which card: the verifier
 * rebuilds the card's leaf (kind `credential`, SHA-256 of the JWS, header kid, nbf rounded down
 * to the hour), asks for every leaf hash under a 4-hex-digit prefix of its leaf hash
 * (k-anonymity: one bucket in 65,536), finds the index locally, then builds the RFC 9162
 * inclusion proof from tlog tiles authenticated against a verified checkpoint root. The I/O is a
 * LedgerSource passed in (the log client over HTTP, a stub in tests).
 */
import { equalBytes, sha256, toHex, utf8 } from '../codec/index.ts'
import { encodeEntry, roundToHour } from '../leaf/index.ts'
import { type LookupAnswer, MAX_LOOKUP_PREFIX_HEX } from '../log-client/index.ts'
import type { TileReader, TileTrust } from '../merkle/index.ts'
import { hashLeaf, proveInclusion, tileHashReader, verifyInclusion } from '../merkle/index.ts'

export { type LookupAnswer, MAX_LOOKUP_PREFIX_HEX }

/** Hex digits of the leaf hash sent to the log: a bucket, never the hash. */
export const LOOKUP_PREFIX_HEX = 4

export interface LedgerSource {
  /** The k-anonymous bucket for `prefix`, or 'too-many' when the log wants a longer prefix. */
  lookup(prefix: string): Promise<LookupAnswer | 'too-many'>
  /** Hash tiles, as core/merkle's TileReader (checked against the root before use). */
  readTiles: TileReader
  /** The latest signed checkpoint note, for a card newer than the checkpoint at hand. */
  latestCheckpoint?(): Promise<string>
  /** An RFC 9162 consistency proof between two tree sizes (to compare with a cached head). */
  consistencyProof?(first: bigint, second: bigint): Promise<Uint8Array[]>
  /** The same deployment's log shard `id` (docs/LEDGER.md "Shards"), when the source can reach it. */
  shard?(id: number): LedgerSource
}

/**
 * The ledger leaf of a credential: anyone holding the card can rebuild it. `jws` as text or,
 * when the caller has encoded it already, as its bytes.
 */
export async function credentialLeaf(
  jws: string | Uint8Array,
  kid: string,
  nbf: number,
): Promise<Uint8Array> {
  return encodeEntry({
    kind: 'credential',
    artefactHash: await sha256(typeof jws === 'string' ? utf8(jws) : jws),
    keyId: kid,
    time: roundToHour(Math.floor(nbf)),
  })
}

export async function credentialLeafHash(jws: string | Uint8Array, kid: string, nbf: number) {
  return hashLeaf(await credentialLeaf(jws, kid, nbf))
}

export interface Located {
  /** The leaf's index, or undefined when the bucket does not hold it. */
  readonly index: bigint | undefined
  /** The prefix actually sent, and how many leaves shared it (the anonymity set). */
  readonly prefix: string
  readonly bucketSize: number
  readonly asOf: number | undefined
}

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/

/** Finds a leaf's index by a short prefix of its hash (widening only when the log insists). */
export async function locateLeaf(source: LedgerSource, leafHash: Uint8Array): Promise<Located> {
  const hex = toHex(leafHash)
  for (let digits = LOOKUP_PREFIX_HEX; digits <= MAX_LOOKUP_PREFIX_HEX; digits++) {
    const prefix = hex.slice(0, digits)
    const answer = await source.lookup(prefix)
    if (answer === 'too-many') continue
    if (!Array.isArray(answer.matches)) throw new TypeError('lookup answer has no matches')
    const hit = answer.matches.find(
      (m) => typeof m.leafHash === 'string' && m.leafHash.toLowerCase() === hex,
    )
    if (hit !== undefined && !DECIMAL.test(hit.index)) {
      throw new TypeError('lookup answered an index that is not a decimal number')
    }
    return {
      index: hit === undefined ? undefined : BigInt(hit.index),
      prefix,
      bucketSize: answer.matches.length,
      asOf: answer.asOf,
    }
  }
  throw new TypeError('the log refused every lookup prefix length')
}

/**
 * Builds leaf `index`'s inclusion proof from tiles checked against `root` and verifies it.
 * Throws MerkleError codes when the tiles or the proof do not hold.
 */
export async function proveLeafInclusion(
  source: LedgerSource,
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  root: Uint8Array,
  /** Tiles checked for earlier cards (createTileTrust), reused for this tree. */
  trust?: TileTrust,
): Promise<Uint8Array[]> {
  const reader = tileHashReader(size, source.readTiles, root, trust)
  const proof = await proveInclusion(index, size, reader)
  verifyInclusion(leafHash, index, size, proof, root)
  return proof
}

/**
 * Confirms leaf `index` of the tree (`size`, `root`) is `leafHash`, for a verifier checking many
 * cards against one checkpoint (`trust` kept across them). The leaf's own hash is read from its
 * level-0 tile: the reader hands out no hash before the tile holding it is authenticated — up
 * its chain of parent tiles to one already checked, and those to the root (tile-reader.ts) — so
 * an equal hash there is the leaf at `index` in that tree; what an audit path would recompute
 * (RFC 9162 §2.1.3.2) is what the authenticated tiles already hold. Anything else takes
 * proveLeafInclusion's full path, which throws the MerkleError naming the failure.
 */
export async function confirmLeafInclusion(
  source: LedgerSource,
  leafHash: Uint8Array,
  index: bigint,
  size: bigint,
  root: Uint8Array,
  trust: TileTrust,
): Promise<void> {
  if (index >= 0n && index < size) {
    const reader = tileHashReader(size, source.readTiles, root, trust)
    const [leaf] = await reader([{ level: 0, index }])
    if (leaf !== undefined && equalBytes(leaf, leafHash)) return
  }
  await proveLeafInclusion(source, leafHash, index, size, root, trust)
}
