/**
 * `node --import tsx bench/crosscheck.ts`: the fast paths in src/ledger (node and in-tile caches,
 * path tiles read with the checkpoint, batched receipts) give exactly the proofs core's
 * proveInclusion / proveConsistency give over plain tile reads, on Postgres and PGlite, for
 * random indices at several historical sizes (partial and full tiles, two tile levels).
 * BENCH_ENGINES picks the engines (default "postgres,pglite").
 */
import { equalBytes } from '../src/core/codec/bytes.ts'
import { proveConsistency, proveInclusion, tileHashReader } from '../src/core/merkle/index.ts'
import { parseTlogProof } from '../src/core/note/index.ts'
import { consistencyProof, inclusionProof, receiptsFor } from '../src/services/ledger/proofs.ts'
import { readTiles } from '../src/services/ledger/storage.ts'
import { benchEntry } from './append.ts'
import { type Engine, openBenchDb } from './setup.ts'

const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]) =>
  a.length === b.length && a.every((h, i) => equalBytes(h, b[i] as Uint8Array))
const below = (n: bigint) => BigInt(Math.floor(Math.random() * Number(n)))

for (const engine of (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',') as Engine[]) {
  const b = await openBenchDb(engine)
  try {
    const sizes: bigint[] = []
    let size = 0n
    for (const n of [1, 2, 3, 255, 256, 257, 1000, 5000, 58536, 3, 70000]) {
      const out = await b.ledger.append(Array.from({ length: n }, benchEntry))
      size = (out.at(-1)?.index ?? 0n) + 1n
      sizes.push(size)
    }
    const plain = (at: bigint) => tileHashReader(at, (tiles) => readTiles(b.ctx.db, tiles))
    let checks = 0
    for (const at of sizes) {
      for (let k = 0; k < 60; k++) {
        const index = below(at)
        const ours = await inclusionProof(b.ctx, { index, size: at })
        if (!same(ours.proof, await proveInclusion(index, at, plain(at)))) {
          throw new Error(`${engine}: inclusion proof ${index} at ${at} differs`)
        }
        const first = 1n + below(at)
        const c = await consistencyProof(b.ctx, { first, second: at })
        if (!same(c.proof, await proveConsistency(first, at, plain(at)))) {
          throw new Error(`${engine}: consistency proof ${first} → ${at} differs`)
        }
        checks++
      }
    }
    const latest = await inclusionProof(b.ctx, { index: size - 1n })
    if (!same(latest.proof, await proveInclusion(size - 1n, size, plain(size)))) {
      throw new Error(`${engine}: latest inclusion proof differs`)
    }
    // Receipts for scattered, unsorted and repeated indices in one call.
    const indices = [...Array.from({ length: 3000 }, () => below(size)), 0n, 0n, size - 1n]
    const { receipts } = await receiptsFor(b.ctx, { indices })
    for (const [i, text] of receipts.entries()) {
      const p = parseTlogProof(text)
      const index = indices[i] as bigint
      if (p.index !== index || !same(p.proof, await proveInclusion(index, size, plain(size)))) {
        throw new Error(`${engine}: receipt for ${index} differs`)
      }
    }
    console.log(
      `${engine}: ${checks} inclusion and consistency proofs and ${receipts.length} receipts equal core's (size ${size})`,
    )
  } finally {
    await b.drop()
  }
}
