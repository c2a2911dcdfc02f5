/**
 * Sustained `Ledger.append` throughput with N concurrent appenders, each appending batches of k
 * entries back to back (k = 1: single credentials; k > 1: a bulk import). An append counts when
 * its promise resolves: durable, integrated, under a signed checkpoint, with its receipt.
 */
import type { LogEntry } from '../src/core/leaf/index.ts'
import { roundToHour } from '../src/core/leaf/index.ts'
import type { Ledger } from '../src/services/ledger/ledger.ts'

let serial = 0
/** A distinct credential entry (artefact hash from a counter). */
export function benchEntry(): LogEntry {
  const n = serial++
  const artefactHash = new Uint8Array(32)
  const view = new DataView(artefactHash.buffer)
  view.setUint32(0, n)
  view.setUint32(4, (n * 2654435761) >>> 0)
  artefactHash[31] = 0xbe
  return {
    kind: 'credential',
    artefactHash,
    keyId: 'issuer-key-1',
    time: roundToHour(1_764_000_000 + (n % 100_000)),
  }
}

export interface AppendRun {
  appenders: number
  batch: number
  entries: number
  seconds: number
  entriesPerSec: number
  appendsPerSec: number
  /** Latency of one append call (insert → receipt), ms. */
  p50Ms: number
  p99Ms: number
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] as number
}

/**
 * Runs `appenders` loops for `seconds` (after `warmup` seconds not counted), each appending
 * `batch` fresh entries per call and awaiting the result before the next call.
 */
export async function runAppenders(
  ledger: Ledger,
  opts: { appenders: number; batch: number; seconds: number; warmup: number },
): Promise<AppendRun> {
  const t0 = performance.now()
  const start = t0 + opts.warmup * 1000
  const end = start + opts.seconds * 1000
  let entries = 0
  let calls = 0
  let lastDone = start
  const latencies: number[] = []
  const loop = async () => {
    while (performance.now() < end) {
      const batch = Array.from({ length: opts.batch }, benchEntry)
      const began = performance.now()
      const out = await ledger.append(batch)
      const done = performance.now()
      if (out.length !== batch.length) throw new Error('append lost entries')
      // Count appends that began inside the window and completed (started before end).
      if (began >= start) {
        entries += out.length
        calls++
        latencies.push(done - began)
        if (done > lastDone) lastDone = done
      }
    }
  }
  await Promise.all(Array.from({ length: opts.appenders }, loop))
  const seconds = (lastDone - start) / 1000
  latencies.sort((a, b) => a - b)
  return {
    appenders: opts.appenders,
    batch: opts.batch,
    entries,
    seconds,
    entriesPerSec: entries / seconds,
    appendsPerSec: calls / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  }
}
