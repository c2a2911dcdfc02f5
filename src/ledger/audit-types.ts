/**
 * @module ledger/audit-types
 * What `audit` reads (an AuditSource: the database, or a remote log through its tiles) and what it
 * reports (findings with stable codes). Kept apart so sources need not import the walk.
 */
import type { Tile } from '../core/merkle/index.ts'

export type AuditCode =
  /** An index below the tree size has no entry (a deleted row, a missing bundle). */
  | 'AUDIT_MISSING_ENTRY'
  /** Entry bytes that are not a valid leaf (core/entry decodeEntry refuses them). */
  | 'AUDIT_ENTRY_MALFORMED'
  /** The stored leaf hash is not the hash of the stored entry bytes. */
  | 'AUDIT_LEAF_MISMATCH'
  /** A stored hash tile differs from the tile recomputed from the entries (or is missing). */
  | 'AUDIT_TILE_MISMATCH'
  /** A stored entry bundle differs from the entries (or is missing). */
  | 'AUDIT_BUNDLE_MISMATCH'
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
  /** The leaf hash stored beside the entry; absent when the only stored hashes are tiles. */
  leafHash?: Uint8Array
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
  /** Stored entry bundles at those widths; omitted when `entries` already reads the bundles. */
  bundles?(
    bundles: readonly { index: bigint; width: number }[],
  ): Promise<(Uint8Array | undefined)[]>
  /** The checkpoint chain up to `size`, oldest first, a page at a time. */
  checkpoints(size: bigint): AsyncIterable<AuditCheckpoint[]>
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
