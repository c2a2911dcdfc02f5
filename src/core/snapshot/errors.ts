/**
 * @module core/snapshot/errors
 * Why an offline snapshot of a log was refused. A checkpoint whose signature or witness policy
 * fails passes on core/note's own code (NoteError); these are the snapshot's own failures.
 */
import { CoreError } from '../errors.ts'

export type SnapshotErrorCode =
  /** The leaf hashes of the tiles do not give the root the checkpoint signed. */
  | 'SNAPSHOT_ROOT_MISMATCH'
  /** A tile that is not exactly its width × 32 bytes, or a reader that lost tiles. */
  | 'SNAPSHOT_TILE_SIZE'
  /** The new checkpoint is for a smaller tree than the snapshot already holds. */
  | 'SNAPSHOT_ROLLBACK'
  /** The log signed a tree of the snapshot's size with another root (a fork). */
  | 'SNAPSHOT_FORK'
  /** The checkpoint names another log than the snapshot's. */
  | 'SNAPSHOT_LOG_MISMATCH'
  /** Stored snapshot bytes that are not a snapshot (truncated, unsorted, wrong counts). */
  | 'SNAPSHOT_FORMAT'

export class SnapshotError extends CoreError<SnapshotErrorCode> {}
