/**
 * `node --import tsx bench/rotate.ts`: what a log rotation costs (docs/LEDGER.md "Shards"), on
 * Postgres. For each log size: fill the log through Ledger.append (batches of 1,000, 8 at once),
 * then time `rotateShard` (freeze with a final checkpoint, move six tables to log_shard_1, create
 * the new shard with its key and genesis checkpoint: one transaction), the first append after it
 * (the ledger finds the new shard and follows it), and a full tile read from the frozen shard
 * (a read-only transaction with search_path) against the same read from the active log before.
 * One JSON line per figure on stdout, then a table.
 *
 * Environment: BENCH_SIZES (default "10000,300000"), BENCH_DATABASE_URL.
 */
import { cpus, loadavg } from 'node:os'
import { readTile, rotateShard, withShard } from '../src/services/ledger/index.ts'
import { forgetLog } from '../src/services/ledger/memory.ts'
import { benchEntry } from './append.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const SIZES = (process.env.BENCH_SIZES ?? '10000,300000').split(',').map(Number)
const READS = 200
const rows: string[][] = [
  ['log size', 'rotate ms', 'first append after ms', 'tile read active / frozen µs'],
]

for (const size of SIZES) {
  const b = await openBenchDb('postgres')
  try {
    for (let done = 0; done < size; ) {
      const batches = Array.from({ length: Math.min(8, Math.ceil((size - done) / 1000)) }, () =>
        b.ledger.append(Array.from({ length: Math.min(1000, size - done) }, benchEntry)),
      )
      done += batches.length * 1000
      await Promise.all(batches)
    }
    const tile = { level: 0, index: 0n, width: 256 }
    const readMicros = async (read: () => Promise<unknown>) => {
      const t0 = performance.now()
      for (let i = 0; i < READS; i++) {
        forgetLog(b.ctx.db) // every read from the database, not the process's memory
        await read()
      }
      return ((performance.now() - t0) * 1000) / READS
    }
    const active = await readMicros(() => readTile(b.ctx, tile))
    const t0 = performance.now()
    const r = await rotateShard(b.ctx, 'localhost:8787/log')
    const rotateMs = performance.now() - t0
    if (!r.rotated) throw new Error('not rotated')
    const t1 = performance.now()
    await b.ledger.append([benchEntry()])
    const followMs = performance.now() - t1
    const frozen = await readMicros(() =>
      withShard(b.ctx.db, r.frozen, (db) => readTile({ db }, tile)),
    )
    const figures = {
      bench: 'rotate',
      size,
      finalSize: String(r.frozen.finalSize),
      rotateMs: Math.round(rotateMs),
      firstAppendAfterMs: Math.round(followMs),
      tileReadActiveUs: Math.round(active),
      tileReadFrozenUs: Math.round(frozen),
      cpus: cpus().length,
      loadavg: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
    }
    console.log(JSON.stringify(figures))
    rows.push([
      String(size),
      String(figures.rotateMs),
      String(figures.firstAppendAfterMs),
      `${figures.tileReadActiveUs} / ${figures.tileReadFrozenUs}`,
    ])
  } finally {
    await b.drop()
  }
}
console.log(`\n${formatColumns(rows)}`)
process.exit(0)
