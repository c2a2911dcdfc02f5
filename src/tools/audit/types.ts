/**
 * @module tools/audit/types
 * What `audit` reads (an AuditSource: the database, or a remote log through its tiles) and what it
 * reports (findings with stable codes). Kept apart so sources need not import the walk.
 */
import type { Tile } from '../../core/merkle/index.ts'

export type AuditCode =
  /** (published copy) A checkpoint, tile or entry bundle the copy must hold is not there. */
  | 'AUDIT_OBJECT_MISSING'
  /** An index below the tree size has no entry row (a deleted row), or no copy of it at all. */
  | 'AUDIT_MISSING_ENTRY'
  /** Entry bytes that are not a valid leaf (core/entry decodeEntry refuses them). */
  | 'AUDIT_ENTRY_MALFORMED'
  /** The entry row differs from both its bundle and its tile hash: the row was rewritten. */
  | 'AUDIT_ENTRY_MISMATCH'
  /** The entry row holds the entry the tiles put at another index (rows swapped or moved). */
  | 'AUDIT_ENTRY_MOVED'
  /** The stored leaf hash is not the hash of an entry its bundle and tile agree on. */
  | 'AUDIT_LEAF_MISMATCH'
  /** A stored hash tile differs from the tile recomputed from the entries. */
  | 'AUDIT_TILE_MISMATCH'
  /** A stored hash tile holds fewer hashes than the tree needs, or is not stored at all. */
  | 'AUDIT_TILE_TRUNCATED'
  /** A stored entry bundle differs from the entries (or is missing). */
  | 'AUDIT_BUNDLE_MISMATCH'
  /** An entry stored at or past the latest checkpoint's size: no signed tree holds it. */
  | 'AUDIT_EXTRA_ENTRY'
  /** The k-anonymous lookup misplaces a leaf: missing, listed twice, or with another hash. */
  | 'AUDIT_LOOKUP_MISMATCH'
  /** A served inclusion or consistency proof (or receipt) that does not verify. */
  | 'AUDIT_PROOF_MISMATCH'
  /** A checkpoint note that does not parse, or whose size or origin is not what it is stored as. */
  | 'AUDIT_CHECKPOINT_MALFORMED'
  /** A checkpoint the log key did not sign. */
  | 'AUDIT_CHECKPOINT_SIGNATURE'
  /** A checkpoint whose root is not the root recomputed from the entries at its size. */
  | 'AUDIT_CHECKPOINT_ROOT'
  /** Sizes that do not grow from 0, or a `prev` line that is not SHA-256 of the note before. */
  | 'AUDIT_CHAIN_BROKEN'
  /** A consistency proof from the previous checkpoint does not verify against both roots. */
  | 'AUDIT_CONSISTENCY'
  /** The sequencer state (or the served head) does not match the last checkpoint. */
  | 'AUDIT_STATE_MISMATCH'
  /**
   * A frozen shard's final checkpoint: not signed by the shard's key, no `final` line, another
   * origin or size than recorded, or a root other than the shard's tree at that size.
   */
  | 'AUDIT_SHARD_FINAL'
  /** A frozen shard holds a checkpoint past its final size (a frozen log never grows). */
  | 'AUDIT_SHARD_PAST_FINAL'

export interface AuditFinding {
  code: AuditCode
  /** What disagrees, for people: `index 41`, `tile/0/000`, `checkpoint 150`. */
  at: string
  message: string
  /** The leaf index, when the finding is about one. */
  index?: bigint
  /** The checkpoint's tree size, when the finding is about a checkpoint. */
  size?: bigint
  /** The tlog-tiles path of the tile or bundle, when the finding is about one. */
  path?: string
  /** AUDIT_ENTRY_MOVED: the index whose entry the row holds. */
  other?: bigint
}

export interface AuditReport {
  /** The tree size audited: the latest checkpoint's when the audit began. */
  size: bigint
  /** Entries recomputed (below `size` only if the audit stopped early). */
  entries: bigint
  checkpoints: number
  /** In log order; the first is the first disagreement. */
  findings: AuditFinding[]
  ok: boolean
}

export interface AuditHead {
  /** The latest checkpoint's size: the tree to recompute. */
  size: bigint
  /** The latest checkpoint note as served, when the source serves one apart from the chain. */
  note?: string
  /** The sequencer's row, when the source has one (null: the source has one, but it is gone). */
  state?: { size: bigint; checkpointSize: bigint; compactRange: Uint8Array } | null
}

export interface AuditLeaf {
  index: bigint
  entry: Uint8Array
  /** The leaf hash stored (or served) beside the entry; absent when the source has none. */
  leafHash?: Uint8Array
  /** Why the entry could not be read as it should (it is then empty): said in the finding. */
  problem?: string
}

/** What a remote source checks beyond the tiles: the routes verifiers rely on. */
export interface AuditRoutes {
  /** Every (index, leaf hash) the k-anonymous lookup serves, bucket by bucket. */
  lookupAll(): AsyncIterable<{ prefix: string; pairs: { index: bigint; leafHash: Uint8Array }[] }>
  inclusion(index: bigint, size: bigint): Promise<Uint8Array[]>
  consistency(first: bigint, second: bigint): Promise<Uint8Array[]>
  /** The tlog-proof receipt for `index` (against the latest checkpoint). */
  receipt(index: bigint): Promise<string>
}

export interface AuditCheckpoint {
  size: bigint
  note: string
  /** SHA-256 of the note as stored or served beside it (what the next `prev` should name). */
  noteHash?: Uint8Array
}

export interface AuditSource {
  head(): Promise<AuditHead>
  /** Entries with start ≤ index < end, in index order; a missing index is simply absent. */
  entries(start: bigint, end: bigint): Promise<AuditLeaf[]>
  /** Each tile's stored bytes at its width (the `.p/W` resource), or undefined when absent. */
  tiles(tiles: readonly Tile[]): Promise<(Uint8Array | undefined)[]>
  /** Stored entry bundles at those widths (undefined when absent). */
  bundles(bundles: readonly { index: bigint; width: number }[]): Promise<(Uint8Array | undefined)[]>
  /** The checkpoint chain up to `size`, oldest first, a page at a time. */
  checkpoints(size: bigint): AsyncIterable<AuditCheckpoint[]>
  /** The indices of entry rows holding this leaf hash (to tell a moved entry from a new one). */
  locate?(leafHash: Uint8Array): Promise<bigint[]>
  /**
   * The first entry stored at or past `size` that no checkpoint covers, if any; `seen` is one
   * another route listed (the lookup), to be confirmed the same way.
   */
  beyond?(size: bigint, seen?: bigint): Promise<bigint | undefined>
  /** Present for a remote log: its lookup and proof routes, checked against the tiles. */
  routes?: AuditRoutes
}

export interface AuditOptions {
  /** The log's verifier key(s): several when the log key was rotated. */
  vkey: string | readonly string[]
  /** Called after each page of entries. */
  onProgress?: (done: bigint, total: bigint) => void
  /** Stop after this many findings (default 100): one tampered leaf breaks every later root. */
  maxFindings?: number
}

export function formatFinding(f: AuditFinding): string {
  return `${f.code} at ${f.at}: ${f.message}`
}
