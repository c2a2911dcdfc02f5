/**
 * `npm run bench:snapshot`: the verifier's offline copy of the log (core/snapshot), one JSON
 * line per figure on stdout and a table at the end; progress goes to stderr.
 *
 * One Vigil (in-process app over in-memory PGlite) holds a log of N entries (default 100,000,
 * appended through the Ledger as the service does). Through core/log-client with the app's own
 * `request` as the fetch (no network stack, so the figures are the client's work: verifying
 * the checkpoint, reading and hashing tiles, sorting prefixes):
 *   snapshot.first        first sync of N entries: seconds, tiles and bytes read, stored bytes
 *   snapshot.incremental  the sync after M more entries (default 1,000): the same figures
 *   snapshot.projected    stored bytes for 1,000,000 entries and a day's tiles for 10,000 new
 *                         ones, computed from the format (12 bytes a leaf; 256 × 32 a tile)
 *
 * Environment: BENCH_SNAPSHOT_ENTRIES (default 100000), BENCH_SNAPSHOT_MORE (default 1000).
 */
import { cpus, loadavg } from 'node:os'
import { createLogClient } from '../src/core/log-client/index.ts'
import { encodeSnapshot, PREFIX_BYTES, syncSnapshot } from '../src/core/snapshot/index.ts'
import { openTrustMaterial } from '../src/core/verify/index.ts'
import { createApp } from '../src/http/app.ts'
import { benchEntry } from './append.ts'
import { openBenchDb } from './setup.ts'

const ENTRIES = Number(process.env.BENCH_SNAPSHOT_ENTRIES ?? '100000')
const MORE = Number(process.env.BENCH_SNAPSHOT_MORE ?? '1000')
const BATCH = 1000

type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
function emit(figure: Figure): void {
  figures.push(figure)
  process.stdout.write(`${JSON.stringify(figure)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, digits = 2) => Number(x.toFixed(digits))

async function main(): Promise<void> {
  const { ctx, ledger, drop } = await openBenchDb('pglite')
  const append = async (n: number) => {
    for (let done = 0; done < n; done += BATCH) {
      await ledger.append(Array.from({ length: Math.min(BATCH, n - done) }, benchEntry))
    }
  }
  try {
    log(`appending ${ENTRIES} entries`)
    await append(ENTRIES)
    const app = createApp({ ...ctx, version: 'bench', ledger }, { accessLog: false })
    const fetch = (url: string) => Promise.resolve(app.request(url))
    const client = createLogClient('', fetch)
    const vkey = (await client.key()).trim()
    const material = await openTrustMaterial(await (await fetch('/trust/material')).text(), vkey)
    const sync = async (previous: Parameters<typeof syncSnapshot>[0]) => {
      const started = performance.now()
      const result = await syncSnapshot(previous, {
        readTiles: client.readTiles,
        note: await client.checkpoint(),
        policy: material.policyValue,
        origin: material.log.origin,
        now: Math.floor(Date.now() / 1000),
      })
      return { ...result, seconds: (performance.now() - started) / 1000 }
    }

    log('first sync')
    const first = await sync(undefined)
    const stored = encodeSnapshot(first.snapshot).length
    emit({
      bench: 'snapshot.first',
      entries: Number(first.snapshot.size),
      seconds: round(first.seconds),
      tiles: first.tiles,
      bytesRead: first.bytes,
      storedBytes: stored,
    })

    log(`appending ${MORE} more, incremental sync`)
    await append(MORE)
    const next = await sync(first.snapshot)
    emit({
      bench: 'snapshot.incremental',
      entries: Number(next.snapshot.size - first.snapshot.size),
      seconds: round(next.seconds, 3),
      tiles: next.tiles,
      bytesRead: next.bytes,
      storedBytes: encodeSnapshot(next.snapshot).length,
    })

    // The format's cost, from the measured overhead (note + compact range) at N entries.
    const overhead = stored - Number(first.snapshot.size) * PREFIX_BYTES
    const daily = 10_000
    emit({
      bench: 'snapshot.projected',
      entries: 1_000_000,
      storedBytes: 1_000_000 * PREFIX_BYTES + overhead,
      dailyNew: daily,
      // At most one partial tile read again, plus one tile per 256 new leaves.
      dailyTiles: Math.ceil(daily / 256) + 1,
      dailyBytesMax: (Math.ceil(daily / 256) + 1) * 256 * 32,
    })
  } finally {
    await ledger.close()
    await drop()
  }
  const load = loadavg().map((x) => round(x))
  console.error(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${load.join(' ')}`)
  console.table(figures)
}

await main()
