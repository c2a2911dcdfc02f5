/**
 * Proofs from stored tiles, as properties: for a log grown in seeded random batches, sampled
 * inclusion proofs at every checkpoint size (the latest and older ones) and consistency proofs
 * between every pair of checkpoints verify against the stored, signed roots, and flipping any
 * byte of a proof makes it fail. Then the audit walk over an in-memory log large enough to
 * cross pages and tile levels (70,000 leaves fill a level-1 tile), clean and tampered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { concatBytes } from '../../../src/core/codec/bytes.ts'
import { encodeEntry, type LogEntry } from '../../../src/core/leaf/index.ts'
import {
  CompactRange,
  encodeEntryBundle,
  HASH_SIZE,
  hashLeaf,
  TILE_HEIGHT,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import {
  createEd25519Verifier,
  createSigner,
  generateSignerKey,
  openNote,
  parseNote,
} from '../../../src/core/note/index.ts'
import { logCheckpoints } from '../../../src/platform/db/schema/index.ts'
import { signCheckpoint } from '../../../src/services/ledger/checkpoint.ts'
import {
  consistencyProof,
  inclusionProof,
  parseVigilCheckpoint,
} from '../../../src/services/ledger/index.ts'
import { type AuditSource, audit } from '../../../src/tools/audit/audit.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function random(seed: number) {
  let a = seed >>> 0
  return (below: number) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below)
  }
}

/** Every proof with one bit of one byte flipped, and with a hash dropped or added, must fail. */
function expectTamperedFail(proof: Uint8Array[], verify: (p: Uint8Array[]) => void) {
  verify(proof)
  for (const [j, hash] of proof.entries()) {
    for (let b = 0; b < HASH_SIZE; b++) {
      const bad = proof.map((h) => h.slice())
      ;(bad[j] as Uint8Array)[b] = (hash[b] as number) ^ (1 << (b % 8))
      expect(() => verify(bad), `hash ${j} byte ${b}`).toThrow()
    }
  }
  expect(() => verify(proof.slice(1))).toThrow()
  expect(() => verify([...proof, new Uint8Array(32)])).toThrow()
}

describe.each(ENGINES)('proofs from stored tiles on %s', (engine) => {
  const rand = random(engine === 'pglite' ? 2026 : 9162)
  let t: TestApp
  const leaves: Uint8Array[] = []
  const roots = new Map<bigint, Uint8Array>()

  beforeAll(async () => {
    t = await createTestApp(engine)
    // A checkpoint at 1 and at exactly one full tile, then random batches past 2,500 leaves.
    const batches = [1, 255]
    for (let total = 256; total < 2500; total += batches.at(-1) as number)
      batches.push(1 + rand(400))
    for (const size of batches) {
      const entries: LogEntry[] = Array.from({ length: size }, (_, k) => entry(leaves.length + k))
      for (const e of entries) leaves.push(hashLeaf(encodeEntry(e)))
      await t.ledger.append(entries)
    }
    const verifier = await createEd25519Verifier(await logVkey(t.ctx))
    for (const row of await t.ctx.db.select().from(logCheckpoints)) {
      await openNote(row.note, [verifier]) // the roots below are the log's signed word
      roots.set(row.size, parseVigilCheckpoint(parseNote(row.note).text).root)
    }
  })
  afterAll(() => t?.close())

  const sizes = () => [...roots.keys()].filter((s) => s > 0n).sort((a, b) => (a < b ? -1 : 1))
  const root = (size: bigint) => roots.get(size) as Uint8Array

  it('inclusion proofs at every checkpoint size verify against its signed root', async () => {
    expect(sizes().length).toBeGreaterThan(8)
    let checked = 0
    for (const size of sizes()) {
      const n = Number(size)
      const picks = new Set([0, n - 1, Math.min(255, n - 1), Math.min(256, n - 1)])
      for (let k = 0; k < 6; k++) picks.add(rand(n))
      for (const i of picks) {
        const { proof } = await inclusionProof(t.ctx, { index: BigInt(i), size })
        verifyInclusion(leaves[i] as Uint8Array, BigInt(i), size, proof, root(size))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(60)
  })

  it('consistency proofs between every pair of checkpoints verify against both roots', async () => {
    const all = sizes()
    for (const [k, first] of all.entries()) {
      for (const second of all.slice(k)) {
        const { proof } = await consistencyProof(t.ctx, { first, second })
        verifyConsistency(first, second, root(first), root(second), proof)
      }
    }
  })

  it('flipping any byte of a proof, or dropping or adding a hash, fails verification', async () => {
    const all = sizes()
    const size = all.at(-1) as bigint
    const index = BigInt(rand(Number(size)))
    const inc = (await inclusionProof(t.ctx, { index, size })).proof
    expectTamperedFail(inc, (p) =>
      verifyInclusion(leaves[Number(index)] as Uint8Array, index, size, p, root(size)),
    )
    const first = all[1 + rand(all.length - 2)] as bigint
    const con = (await consistencyProof(t.ctx, { first, second: size })).proof
    expectTamperedFail(con, (p) => verifyConsistency(first, size, root(first), root(size), p))
  })
})

/** A whole log in memory: entries, the tiles and bundles they give, and signed checkpoints. */
async function memoryLog(total: number, checkpointSizes: number[]) {
  const entries = Array.from({ length: total }, (_, i) => encodeEntry(entry(i)))
  const tiles = new Map<string, Uint8Array[]>()
  let range = CompactRange.empty()
  const key = await generateSignerKey('audit.test/log', (n) =>
    crypto.getRandomValues(new Uint8Array(n)),
  )
  const signer = await createSigner(key)
  const checkpoints: { size: bigint; note: string }[] = []
  let prev: Uint8Array | undefined
  for (const [k, size] of checkpointSizes.entries()) {
    const appended = range.append(
      entries.slice(k === 0 ? 0 : checkpointSizes[k - 1], size).map(hashLeaf),
    )
    range = appended.range
    for (const s of appended.stored.filter((s) => s.level % TILE_HEIGHT === 0)) {
      const id = `${s.level / TILE_HEIGHT}/${s.index >> 8n}`
      tiles.set(id, [...(tiles.get(id) ?? []), s.hash])
    }
    const c = { origin: key.name, size: BigInt(size), root: range.root(), time: 0, prev }
    const { note, noteHash } = await signCheckpoint(signer, c)
    checkpoints.push({ size: BigInt(size), note })
    prev = noteHash
  }
  const source: AuditSource = {
    head: async () => ({ size: BigInt(total) }),
    entries: async (start, end) =>
      entries
        .slice(Number(start), Number(end))
        .map((e, i) => ({ index: start + BigInt(i), entry: e })),
    tiles: async (list) =>
      list
        .map((t) => tiles.get(`${t.level}/${t.index}`)?.slice(0, t.width))
        .map((h) => h && concatBytes(...h)),
    bundles: async (list) =>
      list.map((b) =>
        encodeEntryBundle(entries.slice(Number(b.index) * 256, Number(b.index) * 256 + b.width)),
      ),
    async *checkpoints() {
      for (let i = 0; i < checkpoints.length; i += 3) yield checkpoints.slice(i, i + 3)
    },
  }
  return { source, vkey: key.vkey, entries, tiles }
}

describe('the audit walk over a 70,000-entry log in memory', () => {
  const sizes = [0, 1, 256, 10_239, 10_240, 10_241, 33_333, 65_536, 65_537, 70_000]
  let log: Awaited<ReturnType<typeof memoryLog>>
  beforeAll(async () => {
    log = await memoryLog(70_000, sizes)
  })

  it('audits clean across pages, tile levels and consistency proofs', async () => {
    const progress: bigint[] = []
    const report = await audit(log.source, { vkey: log.vkey, onProgress: (d) => progress.push(d) })
    expect(report).toEqual({
      size: 70_000n,
      entries: 70_000n,
      checkpoints: 10,
      findings: [],
      ok: true,
    })
    expect(progress).toHaveLength(7)
  })

  it('names a changed hash in a level-1 tile and in the level-2 partial tile', async () => {
    for (const [id, path] of [
      ['1/0', 'tile/1/000'],
      ['2/0', 'tile/2/000.p/1'],
    ] as const) {
      const hashes = log.tiles.get(id) as Uint8Array[]
      const saved = hashes[0] as Uint8Array
      hashes[0] = new Uint8Array(32)
      try {
        const report = await audit(log.source, { vkey: log.vkey })
        expect(report.findings).toEqual([
          expect.objectContaining({ code: 'AUDIT_TILE_MISMATCH', path }),
        ])
      } finally {
        hashes[0] = saved
      }
    }
  })

  it('stops after maxFindings when one bad entry breaks every later root', async () => {
    const saved = log.entries[5] as Uint8Array
    log.entries[5] = encodeEntry(entry(1e6))
    try {
      const report = await audit(log.source, { vkey: log.vkey, maxFindings: 3 })
      // No stored leaf hashes (and bundles built from the entries): tile 0 is the first to differ.
      expect(report.findings.map((f) => `${f.code} ${f.at}`)).toEqual([
        'AUDIT_TILE_MISMATCH tile/0/000',
        'AUDIT_CHECKPOINT_ROOT checkpoint 256',
        'AUDIT_CONSISTENCY checkpoint 256',
      ])
      expect(report.entries).toBeLessThan(70_000n)
    } finally {
      log.entries[5] = saved
    }
  })
})
