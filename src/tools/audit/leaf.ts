/**
 * @module tools/audit/leaf
 * One leaf, judged from its independent copies: the entry row (bytes and stored leaf hash), the
 * entry bundle, and the level-0 tile's hash. A single changed copy is outvoted by the other two,
 * so the finding names that copy — the row, the leaf hash, the tile or the bundle — at the leaf's
 * index, before any checkpoint root the change would also break. The tree goes on with the value
 * the copies agree on, so one change gives one finding.
 */
import { equalBytes } from '../../core/codec/index.ts'
import { decodeEntry } from '../../core/leaf/index.ts'
import { hashLeaf } from '../../core/merkle/index.ts'
import type { AuditFinding, AuditLeaf } from './types.ts'

export interface LeafCopies {
  index: bigint
  /** The entry row (absent: no row at this index). */
  row: AuditLeaf | undefined
  /** Entry `index` of the stored bundle (absent: the bundle is missing or too short). */
  bundled: Uint8Array | undefined
  /** Hash `index` of the stored level-0 tile (absent: the tile is missing or too short). */
  tiled: Uint8Array | undefined
  tilePath: string
  bundlePath: string
}

export interface LeafVerdict {
  /** The entry the tree goes on with; absent when no copy of it exists (the walk must stop). */
  entry: Uint8Array | undefined
  hash: Uint8Array | undefined
  finding?: AuditFinding
  /** Set when the row was rewritten: the hash the tiles expect here (to look for it elsewhere). */
  expected?: Uint8Array
}

export const leafFinding = (
  code: AuditFinding['code'],
  index: bigint,
  message: string,
): AuditFinding => ({ code, at: `index ${index}`, index, message })

export function judgeLeaf(c: LeafCopies): LeafVerdict {
  const { index, row, bundled, tiled } = c
  if (row === undefined) {
    if (bundled === undefined)
      return { entry: undefined, hash: tiled, finding: missing(index, 'no entry is stored') }
    const hash = hashLeaf(bundled)
    return { entry: bundled, hash, finding: missing(index, 'no entry row; its bundle holds it') }
  }
  const hash = hashLeaf(row.entry)
  const inBundle = bundled !== undefined && equalBytes(row.entry, bundled)
  const inTile = tiled !== undefined && equalBytes(hash, tiled)
  if (!inBundle && !inTile && (bundled !== undefined || tiled !== undefined)) {
    // Outvoted: the bundle and the tile hold another entry here.
    const other = bundled !== undefined ? hashLeaf(bundled) : undefined
    const agreed =
      bundled !== undefined && other !== undefined && (!tiled || equalBytes(other, tiled))
    const why = row.problem ?? 'the entry row differs from its bundle and its tile'
    return {
      entry: agreed ? bundled : row.entry,
      hash: agreed ? other : hash,
      finding: leafFinding('AUDIT_ENTRY_MISMATCH', index, why),
      ...(tiled === undefined ? {} : { expected: tiled }),
    }
  }
  const verdict = { entry: row.entry, hash }
  if (row.leafHash !== undefined && !equalBytes(row.leafHash, hash)) {
    const message = 'the stored leaf hash is not the hash of the entry'
    return { ...verdict, finding: leafFinding('AUDIT_LEAF_MISMATCH', index, message) }
  }
  if (!inTile) {
    const path = c.tilePath
    const finding: AuditFinding =
      tiled === undefined
        ? { code: 'AUDIT_TILE_TRUNCATED', at: path, path, index, message: 'no hash for this leaf' }
        : { code: 'AUDIT_TILE_MISMATCH', at: path, path, index, message: 'another leaf hash' }
    return { ...verdict, finding }
  }
  if (!inBundle) {
    const path = c.bundlePath
    const message = bundled === undefined ? 'the bundle does not hold this entry' : 'another entry'
    return {
      ...verdict,
      finding: { code: 'AUDIT_BUNDLE_MISMATCH', at: path, path, index, message },
    }
  }
  try {
    decodeEntry(row.entry)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    return { ...verdict, finding: leafFinding('AUDIT_ENTRY_MALFORMED', index, message) }
  }
  return verdict
}

const missing = (index: bigint, message: string) =>
  leafFinding('AUDIT_MISSING_ENTRY', index, message)
