/**
 * @module services/ledger/proofs
 * Proofs served from stored tiles (c2sp.org/tlog-tiles): O(log n) tile reads, with a
 * per-database cache of stored node hashes (immutable once complete), so proofs share their reads
 * and hashing within a call and across calls and tree sizes.
 */
import { desc, eq, sql } from 'drizzle-orm'
import {
  checkNode,
  checkUint64,
  foldPerfect,
  HASH_SIZE,
  type HashReader,
  hashChildren,
  locateNode,
  proveConsistency,
  proveInclusion,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  type TileSlot,
  type TreeNode,
  tileWidthAt,
} from '../../core/merkle/index.ts'
import { formatTlogProof, parseNote } from '../../core/note/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type Db, logCheckpoints, logTiles, rowsOf, toBigInt } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { parseVigilCheckpoint } from './checkpoint.ts'
import {
  heldPartialTile,
  type Immutable,
  immutableCache,
  type LatestCheckpoint,
  rememberedCheckpoint,
  tileKey,
} from './memory.ts'
import {
  computeTileInternals,
  internalsOffset,
  nodeCache,
  nodeKey,
  readTiles,
  rememberFullTile,
  rememberPartialTile,
} from './storage.ts'

export interface StoredCheckpoint {
  size: bigint
  note: string
  noteHash: Uint8Array
  createdAt: Date
}

/** The newest signed checkpoint (c2sp.org/tlog-checkpoint); UNAVAILABLE before the first. */
export async function latestCheckpoint(ctx: Pick<ServiceContext, 'db'>): Promise<StoredCheckpoint> {
  const [row] = await ctx.db
    .select()
    .from(logCheckpoints)
    .orderBy(desc(logCheckpoints.size))
    .limit(1)
  if (row === undefined) throw new ServiceError('UNAVAILABLE', 'the log has no checkpoint yet')
  return row
}

/** The checkpoint signed for tree size `size`, if one was. */
export async function checkpointAt(
  ctx: Pick<ServiceContext, 'db'>,
  size: bigint,
): Promise<StoredCheckpoint | undefined> {
  const [row] = await ctx.db.select().from(logCheckpoints).where(eq(logCheckpoints.size, size))
  return row
}

/**
 * A hash reader over stored tiles for a tree of `size`, like core tileHashReader: a node on a tile
 * level is read from its tile, any other node is the MTH of its run of hashes in one tile (up to
 * 127 hashes). Cached nodes need neither; the nodes asked for are added to the cache (not the
 * intermediate hashes of a fold, which would crowd it out).
 */
export function storedHashReader(ctx: Pick<ServiceContext, 'db'>, size: bigint): HashReader {
  return tileNodeReader(ctx.db, size, new Map())
}

/**
 * storedHashReader, taking tile rows already read (`level/index` → hashes) before the database.
 * Full tiles come from the immutable cache (read once, then kept), each with its in-tile nodes
 * computed by the first proof through it; partial tiles are read from `preloaded` or the database.
 */
function tileNodeReader(db: Db, size: bigint, preloaded: Map<string, Uint8Array>): HashReader {
  checkUint64(size, 'size')
  const cache = nodeCache(db)
  const immutable = immutableCache(db)
  return async (nodes: TreeNode[]) => {
    for (const [i, node] of nodes.entries()) checkNode(node, `nodes[${i}]`, size)
    const found = nodes.map((n) => cache.get(nodeKey(n.level, n.index)))
    // The tiles holding the bottom hashes of every node not cached, each tile once.
    const slots = nodes.map((node, i) => (found[i] === undefined ? locateNode(node) : undefined))
    const fulls = new Map<string, Immutable>()
    const partial = new Map<string, Uint8Array>()
    const wanted = new Map<string, Tile>()
    for (const slot of slots) {
      if (slot === undefined) continue
      const k = `${slot.level}/${slot.index}`
      if (fulls.has(k) || partial.has(k) || wanted.has(k)) continue
      const width = tileWidthAt(slot.level, slot.index, size)
      if (width === TILE_WIDTH) {
        const hit = immutable.get(tileKey(slot.level, slot.index))
        if (hit !== undefined) {
          fulls.set(k, hit)
          continue
        }
      }
      const held =
        width < TILE_WIDTH ? heldPartialTile(db, slot.level, slot.index, width) : undefined
      if (held !== undefined) {
        partial.set(k, held)
        continue
      }
      const row = preloaded.get(k)
      if (row !== undefined && row.length >= width * HASH_SIZE) {
        if (width === TILE_WIDTH) fulls.set(k, rememberFullTile(db, slot.level, slot.index, row))
        else partial.set(k, rememberPartialTile(db, slot.level, slot.index, row, width))
        continue
      }
      wanted.set(k, { level: slot.level, index: slot.index, width })
    }
    const tiles = [...wanted.values()]
    const data = tiles.length === 0 ? [] : await readTiles(db, tiles)
    tiles.forEach((t, i) => {
      const bytes = data[i] as Uint8Array
      const k = `${t.level}/${t.index}`
      if (t.width === TILE_WIDTH) fulls.set(k, rememberFullTile(db, t.level, t.index, bytes))
      else partial.set(k, rememberPartialTile(db, t.level, t.index, bytes, t.width))
    })
    return nodes.map((node, i) => {
      const known = found[i]
      if (known !== undefined) return known
      const slot = slots[i] as TileSlot
      const k = `${slot.level}/${slot.index}`
      const full = fulls.get(k)
      if (full !== undefined) {
        if (slot.count === 1)
          return full.bytes.slice(slot.start * HASH_SIZE, (slot.start + 1) * HASH_SIZE)
        // Inside a full tile: from its in-tile nodes, computed once for every proof through it.
        full.internals ??= computeTileInternals(full.bytes)
        const depth = Math.log2(slot.count)
        const at = (internalsOffset(depth) + (slot.start >> depth)) * HASH_SIZE
        return full.internals.slice(at, at + HASH_SIZE)
      }
      const bytes = partial.get(k)
      if (bytes === undefined || bytes.length < (slot.start + slot.count) * HASH_SIZE) {
        throw new Error(
          `tile ${slot.level}/${slot.index} does not hold node ${node.level}/${node.index}`,
        )
      }
      const run = Array.from({ length: slot.count }, (_, j) =>
        bytes.subarray((slot.start + j) * HASH_SIZE, (slot.start + j + 1) * HASH_SIZE),
      )
      const hash = foldPerfect(run).slice()
      cache.set(nodeKey(node.level, node.index), hash)
      return hash
    })
  }
}

function checkSize(size: bigint, current: bigint, field: string): void {
  if (size > current) {
    throw new ServiceError('VALIDATION', `${field} ${size} is beyond the log's size ${current}`, {
      field,
    })
  }
}

/** The latest checkpoint's size and note, from memory (services/ledger/memory). */
export function latestSize(
  ctx: Pick<ServiceContext, 'db'>,
  reload = false,
): Promise<LatestCheckpoint> {
  return rememberedCheckpoint(ctx.db, () => latestCheckpoint(ctx), reload)
}

/**
 * The stored tiles on leaf `index`'s path that its proof will read: neither full and in memory,
 * nor above the bottom with every sibling on the path within them already cached (in a warm
 * process the upper levels usually are). Read in one statement, none when all are in memory.
 */
async function pathTiles(db: Db, index: bigint, size: bigint): Promise<Map<string, Uint8Array>> {
  const cache = nodeCache(db)
  const immutable = immutableCache(db)
  const tiles: Tile[] = []
  for (let t = 0; t <= 7; t++) {
    const tile = index >> BigInt(TILE_HEIGHT * (t + 1))
    const width = tileWidthAt(t, tile, size)
    if (width === 0) break
    if (width === TILE_WIDTH && immutable.get(tileKey(t, tile)) !== undefined) continue
    if (width < TILE_WIDTH && heldPartialTile(db, t, tile, width) !== undefined) continue
    if (t > 0) {
      let cached = true
      for (let level = TILE_HEIGHT * t; cached && level < TILE_HEIGHT * (t + 1); level++) {
        // A sibling wholly beyond the tree is no node of it (the proof does not ask for it).
        const sibling = (index >> BigInt(level)) ^ 1n
        cached =
          sibling << BigInt(level) >= size || cache.get(nodeKey(level, sibling)) !== undefined
      }
      if (cached) continue
    }
    tiles.push({ level: t, index: tile, width })
  }
  const out = new Map<string, Uint8Array>()
  if (tiles.length === 0) return out
  const levels = `{${tiles.map((t) => t.level).join(',')}}`
  const indices = `{${tiles.map((t) => t.index).join(',')}}`
  const rows = rowsOf<{ level: unknown; idx: unknown; hashes: unknown }>(
    await db.execute(sql`
      select level, idx, hashes from ${logTiles}
      where (level, idx) in (select * from unnest(${levels}::int2[], ${indices}::int8[]))`),
  )
  for (const r of rows) {
    const h = r.hashes
    // A plain view (postgres.js gives a Buffer, whose slice() would not copy).
    if (h instanceof Uint8Array) {
      out.set(
        `${Number(r.level)}/${toBigInt(r.idx)}`,
        new Uint8Array(h.buffer, h.byteOffset, h.length),
      )
    }
  }
  return out
}

/**
 * RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size` (default: the latest).
 * The latest size comes from memory; an index or size beyond it reads the database's first (the
 * entry may have been integrated by another process within the last CHECKPOINT_MAX_AGE_MS).
 */
export async function inclusionProof(
  ctx: Pick<ServiceContext, 'db'>,
  { index, size }: { index: bigint; size?: bigint | undefined },
) {
  const { db } = ctx
  let latest = await latestSize(ctx)
  if (size !== undefined ? size > latest.size : index >= latest.size)
    latest = await latestSize(ctx, true)
  const treeSize = size ?? latest.size
  checkSize(treeSize, latest.size, 'size')
  if (index >= treeSize) {
    throw new ServiceError('VALIDATION', `index ${index} is not below the tree size ${treeSize}`, {
      field: 'index',
    })
  }
  const preloaded = await pathTiles(db, index, treeSize)
  const proof = await proveInclusion(index, treeSize, tileNodeReader(db, treeSize, preloaded))
  return { index, size: treeSize, proof }
}

/** RFC 9162 §2.1.4 consistency proof from tree size `first` to `second` (default: the latest). */
export async function consistencyProof(
  ctx: Pick<ServiceContext, 'db'>,
  { first, second }: { first: bigint; second?: bigint | undefined },
) {
  const latest = await latestCheckpoint(ctx)
  const to = second ?? latest.size
  checkSize(to, latest.size, 'second')
  if (first < 1n || first > to) {
    throw new ServiceError('VALIDATION', `first must be between 1 and ${to}`, { field: 'first' })
  }
  const proof = await proveConsistency(first, to, storedHashReader(ctx, to))
  return { first, second: to, proof }
}

const B64 = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) =>
  c.charCodeAt(0),
)
const PAD = '='.charCodeAt(0)

/** Standard base64 with padding (the same text as core/codec toBase64), one string allocated. */
function base64(bytes: Uint8Array): string {
  const codes: number[] = []
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    codes.push(
      B64[n >> 18] as number,
      B64[(n >> 12) & 63] as number,
      B64[(n >> 6) & 63] as number,
      B64[n & 63] as number,
    )
  }
  if (i < bytes.length) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8)
    codes.push(B64[n >> 18] as number, B64[(n >> 12) & 63] as number)
    codes.push(i + 1 < bytes.length ? (B64[(n >> 6) & 63] as number) : PAD, PAD)
  }
  return String.fromCharCode.apply(null, codes)
}

const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1'

/** formatTlogProof's text, from proof hashes already in base64 (checked against it per call). */
function receiptText(index: bigint, proof: readonly string[], checkpoint: string): string {
  let text = `${TLOG_PROOF_HEADER}\nindex ${index}\n`
  for (const line of proof) text += `${line}\n`
  return `${text}\n${checkpoint}`
}

/**
 * Inclusion proofs (RFC 9162 PATH, element order as core proveInclusion: the leaf's sibling
 * first) for many leaves of one tree, in one descent of the RFC split tree: each subtree on the
 * way to any of the leaves is visited once, and its sibling's hash MTH(D[lo:hi]) is computed once
 * for all the leaves below it (leaves integrated together share most of their proofs).
 * Returns each proof as positions in `hashes`/`text` (the hashes and their base64).
 */
async function proveMany(db: Db, indices: readonly bigint[], size: bigint) {
  const reader = tileNodeReader(db, size, new Map())
  for (const index of indices) {
    // Out of range: let the core prover refuse it with its own error.
    if (index < 0n || index >= size) await proveInclusion(index, size, reader)
  }
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
    // Beyond exact float arithmetic (never in practice): one core proof at a time.
    const proofs = await Promise.all(indices.map((index) => proveInclusion(index, size, reader)))
    const hashes = proofs.flat()
    let next = 0
    const paths = proofs.map((proof) => proof.map(() => next++))
    return { paths, hashes, text: hashes.map(base64) }
  }
  const order = indices.map((index, at) => ({ index: Number(index), at }))
  order.sort((x, y) => x.index - y.index)
  const siblings: { lo: number; hi: number }[] = []
  const paths = new Array<number[]>(indices.length)
  const stack: number[] = []
  // order[from, to) are the requested leaves inside [lo, hi).
  const descend = (lo: number, hi: number, from: number, to: number): void => {
    if (hi - lo === 1) {
      const path = stack.slice().reverse()
      for (let j = from; j < to; j++) paths[(order[j] as { at: number }).at] = path
      return
    }
    const mid = lo + floorPow2(hi - lo - 1) // RFC 9162 k: largest power of two below hi - lo
    let split = from
    while (split < to && (order[split] as { index: number }).index < mid) split++
    if (split > from) {
      stack.push(siblings.push({ lo: mid, hi }) - 1)
      descend(lo, mid, from, split)
      stack.pop()
    }
    if (to > split) {
      stack.push(siblings.push({ lo, hi: mid }) - 1)
      descend(mid, hi, split, to)
      stack.pop()
    }
  }
  if (order.length > 0) descend(0, Number(size), 0, order.length)

  // Every stored node of every sibling range (its perfect subtrees, largest first, as
  // subtreeNodes gives them), read once.
  const nodes: TreeNode[] = []
  const nodeAt = new Map<string, number>()
  for (const range of siblings) {
    for (let lo = range.lo; lo < range.hi; ) {
      const span = floorPow2(range.hi - lo)
      const level = Math.log2(span)
      const key = `${level}/${lo / span}`
      if (!nodeAt.has(key)) {
        nodeAt.set(key, nodes.length)
        nodes.push({ level, index: BigInt(lo / span) })
      }
      lo += span
    }
  }
  const nodeHashes = await reader(nodes)
  // MTH(D[lo:hi]) = H(largest perfect subtree on the left, MTH(rest)): subtreeNodes folded from
  // the right; ranges that are not one stored node all end on the right edge and share suffixes.
  const edge = new Map<string, Uint8Array>()
  const mth = (lo: number, hi: number): Uint8Array => {
    const span = floorPow2(hi - lo)
    const key = `${Math.log2(span)}/${lo / span}`
    const left = nodeHashes[nodeAt.get(key) as number]
    if (left === undefined) throw new Error(`node ${key} was not read`)
    if (lo + span === hi) return left
    const range = `${lo}:${hi}`
    let hash = edge.get(range)
    if (hash === undefined) {
      hash = hashChildren(left, mth(lo + span, hi))
      edge.set(range, hash)
    }
    return hash
  }
  const hashes = siblings.map(({ lo, hi }) => mth(lo, hi))
  return { paths, hashes, text: hashes.map(base64) }
}

/** The largest power of two ≤ x, for 1 ≤ x ≤ 2^53 (exact: powers of two are doubles). */
function floorPow2(x: number): number {
  if (x < 2 ** 31) return 2 ** (31 - Math.clz32(x))
  let p = 2 ** Math.floor(Math.log2(x))
  if (p > x) p /= 2
  else if (p * 2 <= x) p *= 2
  return p
}

/**
 * tlog-proof receipts for freshly integrated indices, against the latest checkpoint or `at` (a
 * cosigned checkpoint that covers them, when appends wait for witnesses).
 */
export async function receiptsFor(
  ctx: Pick<ServiceContext, 'db'>,
  { indices, at }: { indices: readonly bigint[]; at?: { size: bigint; note: string } | undefined },
) {
  const latest = at ?? (await latestCheckpoint(ctx))
  const { paths, hashes, text } = await proveMany(ctx.db, indices, latest.size)
  const receipts = paths.map((path, i) =>
    receiptText(
      indices[i] as bigint,
      path.map((at) => text[at] as string),
      latest.note,
    ),
  )
  // The core formatter validates the checkpoint note; the fast path must give its exact text.
  const [first] = indices
  if (first !== undefined) {
    const reference = formatTlogProof({
      index: first,
      proof: (paths[0] as number[]).map((at) => hashes[at] as Uint8Array),
      checkpoint: latest.note,
    })
    if (reference !== receipts[0]) throw new Error('receipt text differs from formatTlogProof')
  }
  return { checkpoint: latest.note, receipts }
}

/**
 * A c2sp.org/tlog-proof@v1 receipt for leaf `index` against the latest checkpoint: the index,
 * its inclusion proof and the checkpoint, verifiable offline.
 */
export async function receiptFor(ctx: Pick<ServiceContext, 'db'>, index: bigint): Promise<string> {
  const latest = await latestCheckpoint(ctx)
  const { proof } = await inclusionProof(ctx, { index, size: latest.size })
  return formatTlogProof({ index, proof, checkpoint: latest.note })
}

/** The parsed text of a stored checkpoint (for summaries). */
export function describeCheckpoint(c: StoredCheckpoint) {
  const parsed = parseVigilCheckpoint(parseNote(c.note).text)
  return {
    origin: parsed.origin,
    size: parsed.size,
    root: parsed.root,
    time: parsed.time,
    prev: parsed.prev,
  }
}
