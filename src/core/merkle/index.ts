/**
 * @module core/merkle
 * RFC 9162 Merkle trees for Vigil's transparency log: hashing, roots, compact ranges, proof
 * generation from stored nodes, proof verification, and c2sp.org/tlog-tiles layout.
 */
export { type AppendResult, CompactRange } from './compact-range.ts'
export { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from './entry-bundle.ts'
export { MerkleError, type MerkleErrorCode } from './errors.ts'
export { checkUint64, UINT64_LIMIT } from './guards.ts'
export { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from './hash.ts'
export {
  checkNode,
  foldPerfect,
  type HashReader,
  type StoredHash,
  subtreeNodes,
  type TreeNode,
} from './nodes.ts'
export { proveConsistency, proveInclusion } from './prove.ts'
export { entriesPath, parseEntriesPath, parseTilePath, tilePath } from './tile-path.ts'
export { createTileTrust, type TileReader, type TileTrust, tileHashReader } from './tile-reader.ts'
export {
  entryBundleFor,
  locateNode,
  newTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  type TileSlot,
  tileNodes,
  tilesForSize,
  tileWidthAt,
} from './tiles.ts'
export { readCompactRange, rootFromLeafHashes, treeHash } from './tree.ts'
export {
  createVerifiedPaths,
  type VerifiedPaths,
  verifyInclusionKept,
} from './verified-paths.ts'
export { verifyConsistency } from './verify-consistency.ts'
export { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.ts'
