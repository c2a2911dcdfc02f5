/**
 * @module core/snapshot/sync
 * Builds or extends an offline snapshot from a log's level-0 hash tiles (c2sp.org/tlog-tiles).
 * Nothing the log serves is trusted: the checkpoint must verify under the witness policy
 * (c2sp.org/tlog-policy, as the verifier checks it), and the leaf hashes, folded onto the kept
 * compact range, must give the checkpoint's root (RFC 9162 §2.1.1). Extending the previous
 * range proves at the same time that the new tree contains the old one (append-only), so no
 * separate consistency proof is needed. The tiles are read through a TileReader passed in.
 */

import { readVigilExtensions } from '../checkpoint/index.ts'
import { equalBytes } from '../codec/index.ts'
import {
  CompactRange,
  TILE_WIDTH,
  type Tile,
  type TileReader,
  tileWidthAt,
} from '../merkle/index.ts'
import { type Policy, verifyCheckpointWithPolicy } from '../note/index.ts'
import { SnapshotError } from './errors.ts'
import { type LogSnapshot, mergePrefixes, PREFIX_BYTES } from './snapshot.ts'

/** Cosignatures may be this far ahead of the device's clock (as the card checks allow). */
const CLOCK_SKEW_SECONDS = 300
/** Tiles asked for in one TileReader call: parallel enough, without flooding the connection. */
const DEFAULT_BATCH = 16

export interface SyncOptions {
  /** Hash tiles of the log (the log client's readTiles). */
  readonly readTiles: TileReader
  /** The latest signed checkpoint note, as served. */
  readonly note: string
  /** The witness policy of the trust material, and the log's origin in it. */
  readonly policy: Policy
  readonly origin: string
  /** POSIX seconds (for cosignature timestamps). */
  readonly now: number
  readonly batch?: number
}

export interface SyncResult {
  readonly snapshot: LogSnapshot
  /** Tiles read, and their bytes: the cost of this sync on the wire. */
  readonly tiles: number
  readonly bytes: number
}

/** The level-0 tiles holding leaves [from, to) at tree size `to`. */
export function tilesToRead(from: bigint, to: bigint): Tile[] {
  const tiles: Tile[] = []
  if (to <= from) return tiles
  for (let n = from >> 8n; n <= (to - 1n) >> 8n; n++) {
    tiles.push({ level: 0, index: n, width: tileWidthAt(0, n, to) })
  }
  return tiles
}

/**
 * Verifies `note` and brings `previous` (or nothing) up to its tree size. Throws NoteError when
 * the checkpoint does not verify, SnapshotError when the tiles or sizes do not hold; the caller
 * keeps its previous snapshot then.
 */
export async function syncSnapshot(
  previous: LogSnapshot | undefined,
  options: SyncOptions,
): Promise<SyncResult> {
  const verified = await verifyCheckpointWithPolicy(options.note, options.policy, {
    origin: options.origin,
    notAfter: BigInt(Math.floor(options.now) + CLOCK_SKEW_SECONDS),
  })
  const { size, root, origin } = verified.checkpoint
  const time = readVigilExtensions(verified.checkpoint).time
  if (time === undefined) {
    throw new SnapshotError('SNAPSHOT_FORMAT', 'the checkpoint has no time line', {
      field: 'time',
    })
  }
  if (previous !== undefined && previous.origin !== origin) {
    throw new SnapshotError('SNAPSHOT_LOG_MISMATCH', 'the checkpoint is for another log', {
      field: 'origin',
    })
  }
  const from = previous?.size ?? 0n
  if (size < from) {
    throw new SnapshotError('SNAPSHOT_ROLLBACK', `the log's tree shrank from ${from} to ${size}`, {
      field: 'size',
    })
  }
  let range = previous?.range ?? CompactRange.empty()
  const added: Uint8Array[] = []
  const tiles = tilesToRead(from, size)
  const batch = options.batch ?? DEFAULT_BATCH
  let bytes = 0
  for (let b = 0; b < tiles.length; b += batch) {
    const chunk = tiles.slice(b, b + batch)
    const data = await options.readTiles(chunk)
    if (!Array.isArray(data) || data.length !== chunk.length) {
      throw new SnapshotError('SNAPSHOT_TILE_SIZE', 'the tile reader lost tiles', {
        field: 'tiles',
      })
    }
    for (const [i, tile] of chunk.entries()) {
      const hashes = data[i]
      if (!(hashes instanceof Uint8Array) || hashes.length !== tile.width * 32) {
        throw new SnapshotError(
          'SNAPSHOT_TILE_SIZE',
          `tile ${tile.index} is not ${tile.width} hashes`,
          {
            field: 'tiles',
          },
        )
      }
      bytes += hashes.length
      // Only the leaves past the previous size are new; a partial tile is read again, wider.
      const first = tile.index === from >> 8n ? Number(from % BigInt(TILE_WIDTH)) : 0
      const leaves: Uint8Array[] = []
      for (let k = first; k < tile.width; k++) {
        const leaf = hashes.subarray(k * 32, (k + 1) * 32)
        leaves.push(leaf)
        added.push(leaf.slice(0, PREFIX_BYTES))
      }
      range = range.append(leaves).range
    }
  }
  if (range.size !== size || !equalBytes(range.root(), root)) {
    throw new SnapshotError(
      previous !== undefined && size === from ? 'SNAPSHOT_FORK' : 'SNAPSHOT_ROOT_MISMATCH',
      previous !== undefined && size === from
        ? `the log signed another root for size ${size}`
        : `the tiles do not give the root of the checkpoint of size ${size}`,
      { field: 'root' },
    )
  }
  const prefixes = mergePrefixes(previous?.prefixes ?? new Uint8Array(0), added)
  return {
    snapshot: { origin, note: options.note, size, root: root.slice(), time, range, prefixes },
    tiles: tiles.length,
    bytes,
  }
}
