/**
 * Looking up an entry without telling the log which one: the page asks for every leaf hash that
 * starts with a short prefix (k-anonymity: 4 hex digits is one bucket in 65,536), finds the index
 * locally, then builds the RFC 9162 inclusion proof itself from tiles (tlog-tiles) and verifies it
 * against the root of the checkpoint verified above. The full hash never leaves the browser.
 */

import type { LogEntryView } from '../../../src/core/api-types/index.ts'
import {
  equalBytes,
  fromBase64,
  fromHex,
  sha256,
  toHex,
  utf8,
} from '../../../src/core/codec/index.ts'
import { decodeEntry, type LogEntry } from '../../../src/core/leaf/index.ts'
import {
  entriesPath,
  entryBundleFor,
  hashLeaf,
  type Tile,
  tilePath,
} from '../../../src/core/merkle/index.ts'
import {
  clientLedgerSource,
  locateLeaf as locateInLedger,
  proveLeafInclusion,
} from '../../../src/core/verify/index.ts'
import { describeError, log, PageError } from './api.ts'
import type { VerifiedLogCheckpoint } from './checkpoint.ts'

export { LOOKUP_PREFIX_HEX } from '../../../src/core/verify/index.ts'

/** How far back the artefact search reads `/log/entries` (one request, the server's maximum). */
export const ARTEFACT_WINDOW = 256

export type Query =
  | { kind: 'leaf'; hex: string }
  | { kind: 'artefact'; hex: string; from: 'credential' }

const HEX64 = /^[0-9a-f]{64}$/
/** A SHA-256 hash in standard base64, as proofs and checkpoints spell hashes. */
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/

/**
 * What a person pasted: a leaf hash (64 hex digits, spaces and `sha256:` tolerated, or standard
 * base64), or the text of a credential (compact JWS), whose SHA-256 is the artefact hash the log
 * commits to.
 */
export async function parseQuery(text: string): Promise<Query> {
  const trimmed = text.trim()
  const hex = trimmed
    .replace(/^sha-?256:/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase()
  if (HEX64.test(hex)) return { kind: 'leaf', hex }
  if (BASE64_32.test(trimmed)) return { kind: 'leaf', hex: toHex(fromBase64(trimmed)) }
  if (COMPACT_JWS.test(trimmed)) {
    return { kind: 'artefact', hex: toHex(await sha256(utf8(trimmed))), from: 'credential' }
  }
  if (trimmed === '') throw new PageError('INPUT_EMPTY', 'paste a leaf hash or a credential')
  if (/^[0-9a-f]+$/i.test(hex)) {
    throw new PageError(
      'INPUT_HASH_LENGTH',
      `a leaf hash has 64 hex digits; this has ${hex.length}`,
      { field: 'query' },
    )
  }
  throw new PageError(
    'INPUT_UNRECOGNISED',
    'this is neither a 64-digit hex leaf hash nor a credential (compact JWS: three dot-separated parts)',
    { field: 'query' },
  )
}

export interface Located {
  readonly index: bigint
  /** The prefix actually sent, and how many leaf hashes shared it (the anonymity set). */
  readonly prefix: string
  readonly bucketSize: number
}

const ledger = clientLedgerSource(log)

/**
 * Finds a leaf's index by a short prefix (core/verify: 4 hex digits, more only when the log
 * insists); undefined when no leaf has this hash.
 */
export async function locateLeaf(leafHex: string): Promise<Located | undefined> {
  const { index, prefix, bucketSize } = await locateInLedger(ledger, fromHex(leafHex))
  return index === undefined ? undefined : { index, prefix, bucketSize }
}

/** Finds an artefact hash among the most recent entries (the only artefact search there is). */
export async function findArtefact(
  artefactHex: string,
  size: bigint,
): Promise<{ entry: LogEntryView; searched: number } | { entry: undefined; searched: number }> {
  if (size === 0n) return { entry: undefined, searched: 0 }
  const start = size > BigInt(ARTEFACT_WINDOW) ? size - BigInt(ARTEFACT_WINDOW) : 0n
  const entries = (await log.entries(start, ARTEFACT_WINDOW)).filter((e) => BigInt(e.index) < size)
  const entry = entries.find((e) => e.artefactHash.toLowerCase() === artefactHex)
  return { entry, searched: entries.length }
}

export interface InclusionResult {
  readonly index: bigint
  readonly size: bigint
  readonly proof: Uint8Array[]
  /** Tile paths fetched to build the proof. */
  readonly tiles: string[]
  /** The entry itself, read from its entry bundle and checked to hash to the leaf hash. */
  readonly entry: LogEntry | undefined
  /** Why the entry could not be read (the inclusion proof still holds). */
  readonly entryError: { code: string; message: string } | undefined
}

/**
 * Builds the inclusion proof of leaf `index` from tiles (authenticated against the verified
 * root) and verifies it: throws MERKLE_* codes when the log's tiles or proof do not hold.
 */
export async function proveLeaf(
  leafHex: string,
  index: bigint,
  verified: VerifiedLogCheckpoint,
): Promise<InclusionResult> {
  const { size, root } = verified.checkpoint
  const leaf = fromHex(leafHex)
  const tiles: string[] = []
  const readTiles = (wanted: Tile[]) => {
    tiles.push(...wanted.map(tilePath))
    return log.readTiles(wanted)
  }
  const proof = await proveLeafInclusion({ ...ledger, readTiles }, leaf, index, size, root)
  try {
    const entry = await readEntry(leaf, index, size, tiles)
    return { index, size, proof, tiles, entry, entryError: undefined }
  } catch (err) {
    return { index, size, proof, tiles, entry: undefined, entryError: describeError(err) }
  }
}

/** The entry's bytes from its bundle; kept only when they hash to the proven leaf. */
async function readEntry(
  leaf: Uint8Array,
  index: bigint,
  size: bigint,
  fetched: string[],
): Promise<LogEntry> {
  const bundle = entryBundleFor(index, size)
  fetched.push(entriesPath(bundle.index, bundle.width))
  const entries = await log.bundleEntries(bundle.index, bundle.width)
  const bytes = entries[Number(index & 255n)]
  if (bytes === undefined || !equalBytes(hashLeaf(bytes), leaf)) {
    throw new PageError('ENTRY_MISMATCH', `the entry bundle's entry ${index} is not this leaf`)
  }
  return decodeEntry(bytes)
}
