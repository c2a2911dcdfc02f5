/**
 * @module core/merkle/errors
 * Errors of Merkle-tree hashing, proofs, compact ranges and tlog-tiles. One closed code per
 * distinct failure, so callers and tests branch on `code` (and `field`), never on a message.
 */
import { CoreError } from '../errors.ts'

export type MerkleErrorCode =
  /** A size, index or tile index is not a bigint in [0, 2^64). */
  | 'MERKLE_UINT64_RANGE'
  /** An inclusion index (or entry index) is not below the tree size. */
  | 'MERKLE_INDEX_OUT_OF_RANGE'
  /** Consistency sizes in the wrong order: first > second. */
  | 'MERKLE_SIZE_ORDER'
  /** A consistency proof from the empty tree was asked for or offered (first == 0). */
  | 'MERKLE_CONSISTENCY_EMPTY_TREE'
  /** Sizes differ (0 < first < second) but the consistency proof is empty. */
  | 'MERKLE_CONSISTENCY_EMPTY_PROOF'
  /** A proof does not have exactly the number of hashes its sizes and index require. */
  | 'MERKLE_PROOF_LENGTH'
  /** A hash (leaf hash, root, proof element, stored hash) is not 32 bytes. */
  | 'MERKLE_BAD_HASH_SIZE'
  /** The root computed from a proof differs from the expected root (`field` names which). */
  | 'MERKLE_ROOT_MISMATCH'
  /** A stored node (level, index) is malformed or not a complete subtree of the tree. */
  | 'MERKLE_NODE_OUT_OF_RANGE'
  /** A HashReader or TileReader returned a result of the wrong shape or count. */
  | 'MERKLE_READER_RESULT'
  /** Compact-range bytes or hashes that do not match the size (one hash per set bit). */
  | 'MERKLE_COMPACT_RANGE'
  /** A tile path is not the canonical `tile/<L>/<N>[.p/<W>]` (or entries) form. */
  | 'MERKLE_TILE_PATH'
  /** A tile value has a bad level or width (width must be 1..256). */
  | 'MERKLE_TILE_INVALID'
  /** Tile bytes are not exactly width × 32 bytes. */
  | 'MERKLE_TILE_SIZE'
  /** Tiles do not recompute the trusted root. */
  | 'MERKLE_TILE_ROOT_MISMATCH'
  /** A full tile does not hash to the entry its parent tile holds for it. */
  | 'MERKLE_TILE_PARENT_MISMATCH'
  /** An entry bundle ends inside a length prefix or inside an entry. */
  | 'MERKLE_BUNDLE_TRUNCATED'
  /** An entry bundle holds 0, more than 256, or not the expected number of entries. */
  | 'MERKLE_BUNDLE_COUNT'
  /** An entry longer than 65,535 bytes cannot be put in a bundle. */
  | 'MERKLE_BUNDLE_ENTRY_SIZE'

export class MerkleError extends CoreError<MerkleErrorCode> {}
