import { describe, expect, it } from 'vitest'
import { concatBytes, fromBase64, fromUtf8, toHex, utf8 } from '../../../src/core/codec/index.ts'
import {
  createTileTrust,
  decodeEntryBundle,
  EMPTY_ROOT,
  encodeEntryBundle,
  entriesPath,
  entryBundleFor,
  hashLeaf,
  locateNode,
  newTiles,
  parseEntriesPath,
  parseTilePath,
  proveConsistency,
  proveInclusion,
  rootFromLeafHashes,
  type Tile,
  type TileReader,
  tileHashReader,
  tilePath,
  tilesForSize,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import { readVector, readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import { expectCode, expectCodeAsync, flipByte, mapTileReader } from './fixtures.ts'

interface Paths {
  tile_paths: { level: number; index: number; width: number; path: string }[]
  entry_bundle_paths: { index: number; width: number; path: string }[]
  entry_bundle_for_log_index: { seq: number; tree_size: number; path: string }[]
  tiles_for_tree_size: {
    tree_size: number
    [level: `level${number}`]: { full: number; partial_width: number }
  }[]
}
const paths = readVectorJson<Paths>('tlog/tlog-tiles-paths.json')

/** Checkpoint body: origin, size, base64 root (signatures are core/note's job). */
function parseCheckpoint(text: string): { size: bigint; root: Uint8Array } {
  const lines = text.split('\n')
  return { size: BigInt(lines[1] as string), root: fromBase64(lines[2] as string) }
}

/** Serves tile (L, N, W) from the vector folder, as a prefix of a wider stored tile if needed. */
function folderTiles(folder: string, available: Tile[]) {
  const files = new Map(available.map((t) => [tilePath(t), readVector(`${folder}/${tilePath(t)}`)]))
  return mapTileReader(files, (t) => {
    const wider = available.find(
      (a) => a.level === t.level && a.index === t.index && a.width >= t.width,
    )
    return wider && files.get(tilePath(wider))?.slice(0, 32 * t.width)
  })
}

describe('transparency-dev/tessera api/layout/paths_test.go + C2SP tlog-tiles.md: paths', () => {
  for (const v of paths.tile_paths) {
    it(`tile ${v.level}/${v.index}/${v.width} <-> ${v.path}`, () => {
      const tile = { level: v.level, index: BigInt(v.index), width: v.width }
      expect(tilePath(tile)).toBe(v.path)
      expect(parseTilePath(v.path)).toEqual(tile)
    })
  }
  for (const v of paths.entry_bundle_paths) {
    it(`entries ${v.index}/${v.width} <-> ${v.path}`, () => {
      expect(entriesPath(BigInt(v.index), v.width)).toBe(v.path)
      expect(parseEntriesPath(v.path)).toEqual({ index: BigInt(v.index), width: v.width })
    })
  }
  for (const v of paths.entry_bundle_for_log_index) {
    it(`entry ${v.seq} of size ${v.tree_size} is in ${v.path}`, () => {
      const b = entryBundleFor(BigInt(v.seq), BigInt(v.tree_size))
      expect(entriesPath(b.index, b.width)).toBe(v.path)
    })
  }
  for (const v of paths.tiles_for_tree_size) {
    it(`tree size ${v.tree_size}: ${(v as unknown as { spec_text: string }).spec_text}`, () => {
      const tiles = tilesForSize(BigInt(v.tree_size))
      for (let level = 0; v[`level${level}`] !== undefined; level++) {
        const want = v[`level${level}`] as { full: number; partial_width: number }
        const at = tiles.filter((t) => t.level === level)
        expect(at.filter((t) => t.width === 256).length).toBe(want.full)
        expect(at.filter((t) => t.width < 256).map((t) => t.width)).toEqual(
          want.partial_width ? [want.partial_width] : [],
        )
      }
      const levels = Object.keys(v).filter((k) => k.startsWith('level')).length
      expect(new Set(tiles.map((t) => t.level)).size).toBe(levels)
    })
  }
  it('rejects non-canonical and garbage paths with MERKLE_TILE_PATH', () => {
    for (const bad of [
      'tile/0/0',
      'tile/0/0000',
      'tile/0/01',
      'tile/0/x000/001',
      'tile/00/000',
      'tile/01/000',
      'tile/64/000',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/010',
      'tile/0/000.p/',
      'tile/0/000.p/-1',
      'tile/0/000/',
      '/tile/0/000',
      'tile/0/X001/234',
      'tile/0/x01/234',
      'tile/0/x001',
      'tile/0/001/x234',
      'tile/entries/000',
      'tile/0/000 ',
      'tile/0/000\n',
      'tile/0/x018/x446/x744/x073/x709/x551/616',
      `tile/0/${'x001/'.repeat(40)}000`,
      '',
      'tile//000',
      'tile/0/٠٠٠',
      'tile/0/000.p/1.p/2',
      'tile/data/000',
    ]) {
      expectCode(() => parseTilePath(bad), 'MERKLE_TILE_PATH', 'path')
    }
    expectCode(() => parseEntriesPath('tile/0/000'), 'MERKLE_TILE_PATH')
    expectCode(() => parseEntriesPath('tile/entries/x000/001'), 'MERKLE_TILE_PATH')
    expectCode(() => parseEntriesPath('tile/entries/000.p/256'), 'MERKLE_TILE_PATH')
    expect(parseTilePath('tile/0/x018/x446/x744/x073/x709/x551/615.p/255').index).toBe(
      (1n << 64n) - 1n,
    )
  })
  it('rejects invalid tile values', () => {
    expectCode(() => tilePath({ level: 0, index: 0n, width: 0 }), 'MERKLE_TILE_INVALID')
    expectCode(() => tilePath({ level: 0, index: 0n, width: 257 }), 'MERKLE_TILE_INVALID')
    expectCode(() => tilePath({ level: 1.5, index: 0n, width: 1 }), 'MERKLE_TILE_INVALID')
    expectCode(() => tilePath({ level: 0, index: -1n, width: 1 }), 'MERKLE_UINT64_RANGE')
    expectCode(() => entryBundleFor(5n, 5n), 'MERKLE_INDEX_OUT_OF_RANGE', 'index')
  })
  it('locates stored nodes in tiles', () => {
    expect(locateNode({ level: 0, index: 300n })).toEqual({
      level: 0,
      index: 1n,
      start: 44,
      count: 1,
    })
    expect(locateNode({ level: 5, index: 8n })).toEqual({
      level: 0,
      index: 1n,
      start: 0,
      count: 32,
    })
    expect(locateNode({ level: 8, index: 0n })).toEqual({ level: 1, index: 0n, start: 0, count: 1 })
    expect(locateNode({ level: 15, index: 3n })).toEqual({
      level: 1,
      index: 1n,
      start: 128,
      count: 128,
    })
    expectCode(() => locateNode({ level: 64, index: 0n }), 'MERKLE_NODE_OUT_OF_RANGE')
    expectCode(() => locateNode({ level: 63, index: 1n }), 'MERKLE_NODE_OUT_OF_RANGE')
  })
  it('newTiles lists what growing a tree writes', () => {
    const grown = newTiles(250n, 70000n)
    expect(grown[0]).toEqual({ level: 0, index: 0n, width: 256 })
    expect(grown.map(tilePath)).toContain('tile/2/000.p/1')
    expect(newTiles(256n, 257n).map(tilePath)).toEqual(['tile/0/001.p/1'])
    expect(newTiles(5n, 5n)).toEqual([])
    expectCode(() => newTiles(6n, 5n), 'MERKLE_SIZE_ORDER')
  })
})

describe('entry bundles (big-endian uint16 length + bytes)', () => {
  it('round-trips, including empty entries', () => {
    const entries = [utf8('one'), new Uint8Array(0), new Uint8Array(65535).fill(7)]
    expect(decodeEntryBundle(encodeEntryBundle(entries), 3)).toEqual(entries)
  })
  it('decodes strictly', () => {
    const good = encodeEntryBundle([utf8('one'), utf8('two')])
    expectCode(() => decodeEntryBundle(good.slice(0, -1)), 'MERKLE_BUNDLE_TRUNCATED')
    expectCode(() => decodeEntryBundle(new Uint8Array([...good, 0])), 'MERKLE_BUNDLE_TRUNCATED')
    expectCode(() => decodeEntryBundle(good, 3), 'MERKLE_BUNDLE_COUNT', 'entries')
    expectCode(() => decodeEntryBundle(new Uint8Array(0)), 'MERKLE_BUNDLE_COUNT')
    expectCode(() => decodeEntryBundle(new Uint8Array(2 * 257)), 'MERKLE_BUNDLE_COUNT')
    expect(decodeEntryBundle(new Uint8Array(2 * 256)).length).toBe(256)
    expectCode(
      () => encodeEntryBundle([new Uint8Array(65536)]),
      'MERKLE_BUNDLE_ENTRY_SIZE',
      'entries[0]',
    )
    expectCode(() => encodeEntryBundle([]), 'MERKLE_BUNDLE_COUNT')
  })
})

describe('transparency-dev/tessera testdata/log (a real 15-entry tlog-tiles log)', () => {
  const meta = readVectorJson<{ leaves_ascii: string[] }>('tlog/tessera-testdata-log.json')
  const leaves = meta.leaves_ascii.map(utf8)
  const leafHashes = leaves.map(hashLeaf)
  const available = Array.from({ length: 15 }, (_, i) => ({ level: 0, index: 0n, width: i + 1 }))
  const dir = 'tlog/tessera-testdata-log'
  const checkpoints = Array.from({ length: 16 }, (_, n) =>
    parseCheckpoint(readVectorText(`${dir}/checkpoint.${n}`)),
  )

  it('checkpoint is checkpoint.15 and checkpoint.0 is the empty tree', () => {
    expect(parseCheckpoint(readVectorText(`${dir}/checkpoint`))).toEqual(checkpoints[15])
    expect(checkpoints[0]).toEqual({ size: 0n, root: EMPTY_ROOT })
  })
  for (let n = 1; n <= 15; n++) {
    it(`size ${n}: tile, entry bundle and root from tiles match`, async () => {
      expect(toHex(readVector(`${dir}/tile/0/000.p/${n}`))).toBe(
        toHex(concatBytes(...leafHashes.slice(0, n))),
      )
      const bundle = decodeEntryBundle(readVector(`${dir}/${entriesPath(0n, n)}`), n)
      expect(bundle.map(fromUtf8)).toEqual(meta.leaves_ascii.slice(0, n))
      expect(encodeEntryBundle(bundle)).toEqual(readVector(`${dir}/tile/entries/000.p/${n}`))
      const cp = checkpoints[n] as { size: bigint; root: Uint8Array }
      expect(cp.size).toBe(BigInt(n))
      const tiles = folderTiles(dir, available)
      expect(toHex(await treeHash(cp.size, tileHashReader(cp.size, tiles.read)))).toBe(
        toHex(cp.root),
      )
      expect(toHex(rootFromLeafHashes(leafHashes.slice(0, n)))).toBe(toHex(cp.root))
      expect(tiles.calls.count).toBe(1)
    })
  }
  it('inclusion and consistency proofs between all checkpoints, served from tiles, verify', async () => {
    for (let n = 1; n <= 15; n++) {
      const cp = checkpoints[n] as { size: bigint; root: Uint8Array }
      const reader = tileHashReader(cp.size, folderTiles(dir, available).read, cp.root)
      for (let i = 0; i < n; i++) {
        const proof = await proveInclusion(BigInt(i), cp.size, reader)
        verifyInclusion(leafHashes[i] as Uint8Array, BigInt(i), cp.size, proof, cp.root)
      }
      for (let m = 1; m <= n; m++) {
        const old = checkpoints[m] as { size: bigint; root: Uint8Array }
        verifyConsistency(
          old.size,
          cp.size,
          old.root,
          cp.root,
          await proveConsistency(old.size, cp.size, reader),
        )
      }
    }
  })
})

describe('FiloSottile/sunlight cmd/skylight/testdata mirror (300 leaves "record i")', () => {
  const dir = 'tlog/sunlight-skylight/mirror'
  const leafHashes = Array.from({ length: 300 }, (_, i) => hashLeaf(utf8(`record ${i}`)))
  const available = [
    { level: 0, index: 0n, width: 256 },
    { level: 0, index: 1n, width: 44 },
    { level: 1, index: 0n, width: 1 },
  ]
  const cp = parseCheckpoint(readVectorText(`${dir}/checkpoint`))

  it('tiles hold the leaf hashes and MTH(leaves 0..255); checkpoint root = MTH(all)', () => {
    expect(cp.size).toBe(300n)
    expect(readVector(`${dir}/tile/0/000`)).toEqual(concatBytes(...leafHashes.slice(0, 256)))
    expect(readVector(`${dir}/tile/0/001.p/44`)).toEqual(concatBytes(...leafHashes.slice(256)))
    expect(readVector(`${dir}/tile/1/000.p/1`)).toEqual(
      rootFromLeafHashes(leafHashes.slice(0, 256)),
    )
    expect(rootFromLeafHashes(leafHashes)).toEqual(cp.root)
    expect(tilesForSize(300n)).toEqual(available)
  })
  it('root recomputed from tiles alone equals the checkpoint root (one tile read)', async () => {
    const tiles = folderTiles(dir, available)
    expect(await treeHash(300n, tileHashReader(300n, tiles.read))).toEqual(cp.root)
    expect(tiles.calls).toEqual({ count: 1, tiles: 2 })
  })
  it('every inclusion proof and consistency proofs from tiles (with root authentication) verify', async () => {
    const tiles = folderTiles(dir, available)
    const reader = tileHashReader(300n, tiles.read, cp.root)
    for (let i = 0; i < 300; i++) {
      const proof = await proveInclusion(BigInt(i), 300n, reader)
      verifyInclusion(leafHashes[i] as Uint8Array, BigInt(i), 300n, proof, cp.root)
    }
    expect(tiles.calls.count).toBe(300)
    for (let m = 1; m <= 300; m += 7) {
      const proof = await proveConsistency(BigInt(m), 300n, reader)
      verifyConsistency(BigInt(m), 300n, rootFromLeafHashes(leafHashes.slice(0, m)), cp.root, proof)
    }
  })
  it('with a TileTrust, later readers for the same tree fetch nothing and give the same proofs', async () => {
    const trust = createTileTrust()
    const tiles = folderTiles(dir, available)
    const plain = folderTiles(dir, available)
    for (let i = 0; i < 300; i++) {
      const reader = tileHashReader(300n, tiles.read, cp.root, trust)
      const proof = await proveInclusion(BigInt(i), 300n, reader)
      expect(proof).toEqual(await proveInclusion(BigInt(i), 300n, tileHashReader(300n, plain.read)))
      verifyInclusion(leafHashes[i] as Uint8Array, BigInt(i), 300n, proof, cp.root)
    }
    // The first proof read all three tiles; nothing after it.
    expect(tiles.calls).toEqual({ count: 1, tiles: 3 })
  })
  it('a TileTrust vouches only for the tree it checked: another root is checked again', async () => {
    const trust = createTileTrust()
    const tiles = folderTiles(dir, available)
    await proveInclusion(3n, 300n, tileHashReader(300n, tiles.read, cp.root, trust))
    const wrong = flipByte(cp.root, 0)
    await expectCodeAsync(
      proveInclusion(3n, 300n, tileHashReader(300n, tiles.read, wrong, trust)),
      'MERKLE_TILE_ROOT_MISMATCH',
    )
  })
  it('a TileTrust still checks a full tile it has not seen against its trusted parent', async () => {
    // Tree of 300 with tile 0/000 corrupted: the root check on the first read passes through
    // 1/000.p/1 (trusted), then tile 0/000 must match the hash its parent holds.
    const trust = createTileTrust()
    const good = folderTiles(dir, available)
    const bad: TileReader = async (wanted) =>
      (await good.read(wanted)).map((bytes, i) =>
        wanted[i]?.level === 0 && wanted[i]?.index === 0n ? flipByte(bytes, 40) : bytes,
      )
    // A leaf in the partial tile first: the tree tiles are checked and trusted, 0/000 is not read.
    await proveInclusion(290n, 300n, tileHashReader(300n, bad, cp.root, trust))
    await expectCodeAsync(
      proveInclusion(7n, 300n, tileHashReader(300n, bad, cp.root, trust)),
      'MERKLE_TILE_PARENT_MISMATCH',
    )
  })
  it('smaller trees are served from prefixes of the stored tiles', async () => {
    for (const n of [1, 2, 255, 256, 257, 299]) {
      const size = BigInt(n)
      const reader = tileHashReader(size, folderTiles(dir, available).read)
      const root = rootFromLeafHashes(leafHashes.slice(0, n))
      expect(await treeHash(size, reader)).toEqual(root)
      verifyInclusion(
        leafHashes[n - 1] as Uint8Array,
        size - 1n,
        size,
        await proveInclusion(size - 1n, size, reader),
        root,
      )
    }
  })
  it('rejects bad tiles and bad requests with specific codes', async () => {
    const good = folderTiles(dir, available)
    const tamper =
      (path: string, edit: (b: Uint8Array) => Uint8Array): TileReader =>
      async (ts) =>
        (await good.read(ts)).map((b, i) => (tilePath(ts[i] as Tile) === path ? edit(b) : b))
    const short = tamper('tile/0/001.p/44', (b) => b.slice(32))
    await expectCodeAsync(
      treeHash(300n, tileHashReader(300n, short)),
      'MERKLE_TILE_SIZE',
      'tile/0/001.p/44',
    )
    const partial = tamper('tile/0/001.p/44', (b) => flipByte(b, 100))
    await expectCodeAsync(
      proveInclusion(3n, 300n, tileHashReader(300n, partial, cp.root)),
      'MERKLE_TILE_ROOT_MISMATCH',
      'root',
    )
    const full = tamper('tile/0/000', (b) => flipByte(b, 8000))
    await expectCodeAsync(
      proveInclusion(3n, 300n, tileHashReader(300n, full, cp.root)),
      'MERKLE_TILE_PARENT_MISMATCH',
      'tile/0/000',
    )
    // Without a trusted root, a tampered tile gives a proof that then fails verification.
    const unauth = await proveInclusion(3n, 300n, tileHashReader(300n, full))
    expectCode(
      () => verifyInclusion(leafHashes[3] as Uint8Array, 3n, 300n, unauth, cp.root),
      'MERKLE_ROOT_MISMATCH',
    )
    await expectCodeAsync(
      treeHash(
        300n,
        tileHashReader(300n, async () => []),
      ),
      'MERKLE_READER_RESULT',
    )
    const reader = tileHashReader(300n, good.read)
    await expectCodeAsync(
      reader([{ level: 0, index: 300n }]),
      'MERKLE_NODE_OUT_OF_RANGE',
      'nodes[0]',
    )
    await expectCodeAsync(reader([{ level: 9, index: 0n }]), 'MERKLE_NODE_OUT_OF_RANGE', 'nodes[0]')
    await expectCodeAsync(
      reader([
        { level: 2, index: 74n },
        { level: -1, index: 0n },
      ]),
      'MERKLE_NODE_OUT_OF_RANGE',
      'nodes[1]',
    )
    expectCode(
      () => tileHashReader(300n, good.read, cp.root.slice(1)),
      'MERKLE_BAD_HASH_SIZE',
      'root',
    )
  })
})
