/**
 * `npm run bench:verify:rules` (also the second half of `npm run bench:verify`): the door's full
 * path (issue 17), text → verdict with the ledger check answered from the offline snapshot (no
 * network) → the venue's entry rule evaluated on the card's summary. One JSON line per figure on
 * stdout and a table at the end; progress goes to stderr.
 *
 * One Vigil (in-process app over in-memory PGlite) issues C real cards (default 200, two doses
 * each), publishes a `vigil-rules/v1` release (a ledger entry, carried in the signed trust
 * material), then fills its log to N entries for each N in BENCH_SNAPSHOT_SIZES (default
 * 10,000 and 100,000). At each N the device's snapshot is synced through core/log-client and
 * core/snapshot (first sync, then incremental), encoded as a device keeps it, and:
 *   door.snapshot        that sync: seconds, tiles and bytes read, bytes kept
 *   door.node            core in Node, one card at a time on one thread: cards/s (wall and CPU)
 *                        and p50/p99 per card, full path; and verify-only (no rule) beside it
 *   door.node.steps      the steps the path adds, alone: snapshot lookup, rule evaluation (µs)
 *   door.chromium        the same code bundled and run on a page in Debian Chromium (the page's
 *                        main thread, WebCrypto): cards/s, p50/p99, full path and verify-only
 *   door.chromium.steps  as door.node.steps, in Chromium
 * Each figure is measured BENCH_RUNS times (default 3) and the median run is reported beside
 * every run; the 1-minute load average is recorded with each. The snapshot's own sync costs
 * (first sync of 100,000 entries, incremental of 1,000, in seconds and bytes) are
 * `npm run bench:snapshot` (bench/snapshot.ts).
 *
 * Environment: BENCH_CARDS (default 200), BENCH_SNAPSHOT_SIZES (default 10000,100000),
 * BENCH_ROUNDS passes over the cards per run (default 10), BENCH_RUNS (default 3).
 */
import { cpus, loadavg } from 'node:os'
import { createLogClient } from '../src/core/log-client/index.ts'
import { parseCheckpoint, parseNote } from '../src/core/note/index.ts'
import {
  encodeSnapshot,
  type LogSnapshot,
  PREFIX_BYTES,
  snapshotHasLeaf,
  syncSnapshot,
} from '../src/core/snapshot/index.ts'
import { openTrustMaterial } from '../src/core/verify/index.ts'
import { createApp } from '../src/http/app.ts'
import type { Actor } from '../src/platform/context/index.ts'
import { CredentialInput, issueCredential } from '../src/services/credentials/index.ts'
import { publishRuleSets } from '../src/services/trust/index.ts'
import { CHROMIUM, hasChromium, launchChromium } from '../test/helpers/chromium.ts'
import { benchEntry } from './append.ts'
import { bundlePage, openBenchPage } from './offline-chromium.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'
import {
  type DoorMaterial,
  doorLoop,
  doorSteps,
  type LoopResult,
  openDoor,
  RULE_SET,
  RULES_TEXT,
} from './verify-rules-run.ts'

const CARDS = Number(process.env.BENCH_CARDS ?? '200')
const SIZES = (process.env.BENCH_SNAPSHOT_SIZES ?? '10000,100000').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '10')
const RUNS = Number(process.env.BENCH_RUNS ?? '3')
const TARGET_P50_MS = 20
const TARGET_PER_SEC = 5000
type Figure = Record<string, unknown> & { bench: string }
const figures: Figure[] = []
function emit(figure: Figure): void {
  figures.push(figure)
  process.stdout.write(`${JSON.stringify(figure)}\n`)
}
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
const round = (x: number, digits = 2) => Number(x.toFixed(digits))
const load1 = () => round(loadavg()[0] ?? 0)

/** The run with the median throughput, and every run's throughput and load. */
function medianRun<T extends { perSec: number }>(runs: (T & { loadAvg1m: number })[]) {
  const sorted = [...runs].sort((a, b) => a.perSec - b.perSec)
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as T & { loadAvg1m: number }
  return {
    ...median,
    // The least disturbed run: on a shared machine, closest to what the code itself costs.
    bestPerSec: sorted.at(-1)?.perSec,
    runs: runs.map((r) => ({ perSec: r.perSec, loadAvg1m: r.loadAvg1m })),
  }
}

/** The median of each step over the runs. */
function medianSteps(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((r) => r[key] as number).sort((a, b) => a - b)
    out[key] = values[Math.floor((values.length - 1) / 2)] as number
  }
  return out
}

interface PageRun {
  full: LoopResult
  verifyOnly: LoopResult
  steps: Record<string, number>
}

async function nodeFigures(material: DoorMaterial, entries: number, storedBytes: number) {
  const door = await openDoor(material)
  const full: (LoopResult & { perCpuSec: number; loadAvg1m: number })[] = []
  const plain: (LoopResult & { perCpuSec: number; loadAvg1m: number })[] = []
  const steps: Record<string, number>[] = []
  for (let run = 0; run < RUNS; run++) {
    const pair = [
      [full, door.check],
      [plain, door.verifyOnly],
    ] as const
    // Alternated, so that neither path always runs on the warmer (or more loaded) turn.
    for (const [out, fn] of run % 2 === 0 ? pair : [...pair].reverse()) {
      const cpu0 = process.cpuUsage()
      const r = await doorLoop(material.cards, ROUNDS, fn)
      const cpu = process.cpuUsage(cpu0)
      // Includes the warm-up pass doorLoop runs first (one pass in ROUNDS + 1).
      const cpuSeconds = ((cpu.user + cpu.system) / 1e6) * (ROUNDS / (ROUNDS + 1))
      out.push({ ...r, perCpuSec: Math.round(r.cards / cpuSeconds), loadAvg1m: load1() })
    }
    steps.push(await doorSteps(door, material.cards, ROUNDS))
  }
  const base = { entries, snapshotBytes: storedBytes, rounds: ROUNDS }
  emit({
    bench: 'door.node',
    path: 'text → verdict (snapshot) → rule',
    ...base,
    ...medianRun(full),
  })
  emit({
    bench: 'door.node.verify-only',
    path: 'text → verdict (snapshot)',
    ...base,
    ...medianRun(plain),
  })
  emit({ bench: 'door.node.steps', unit: 'µs per card', entries, ...medianSteps(steps) })
}

async function chromiumFigures(material: DoorMaterial, entries: number, code: string) {
  if (!hasChromium()) {
    emit({ bench: 'door.chromium', skipped: `${CHROMIUM} is missing` })
    return
  }
  const browser = await launchChromium()
  try {
    const page = await openBenchPage(browser, 'door', code, 'vigilDoor')
    // No network from here on: the page has everything it needs, as a device at the door.
    await page.context().setOffline(true)
    const runs: (PageRun & { loadAvg1m: number })[] = []
    for (let run = 0; run < RUNS; run++) {
      const r = await page.evaluate(
        ([m, rounds, ruleFirst]) =>
          (
            globalThis as unknown as {
              vigilDoor: (m: DoorMaterial, rounds: number, ruleFirst: boolean) => Promise<PageRun>
            }
          ).vigilDoor(m, rounds, ruleFirst),
        [material, ROUNDS, run % 2 === 0] as const,
      )
      runs.push({ ...r, loadAvg1m: load1() })
    }
    const base = { entries, chromium: browser.version(), rounds: ROUNDS }
    emit({
      bench: 'door.chromium',
      path: 'text → verdict (snapshot) → rule',
      ...base,
      ...medianRun(runs.map((r) => ({ ...r.full, loadAvg1m: r.loadAvg1m }))),
    })
    emit({
      bench: 'door.chromium.verify-only',
      path: 'text → verdict (snapshot)',
      ...base,
      ...medianRun(runs.map((r) => ({ ...r.verifyOnly, loadAvg1m: r.loadAvg1m }))),
    })
    emit({
      bench: 'door.chromium.steps',
      unit: 'µs per card',
      entries,
      ...medianSteps(runs.map((r) => r.steps)),
    })
  } finally {
    await browser.close()
  }
}

async function main(): Promise<void> {
  emit({
    bench: 'machine',
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    cards: CARDS,
    sizes: SIZES,
    runs: RUNS,
    loadAvg1m: load1(),
  })
  const { ctx, ledger, drop } = await openBenchDb('pglite')
  try {
    const actor: Actor = { kind: 'token', id: 'bench', name: 'bench', roles: ['issuer', 'admin'] }
    log(`issuing ${CARDS} cards`)
    const cards: string[] = []
    for (let i = 0; i < CARDS; i += 32) {
      const batch = Array.from({ length: Math.min(32, CARDS - i) }, (_, j) =>
        CredentialInput.parse({
          type: 'immunization',
          patient: { givenNames: ['Door', `P${i + j}`], familyName: 'X', birthDate: '1980-01-01' },
          immunizations: [
            { code: '208', date: '2021-05-01', lotNumber: 'EW0182' },
            { code: '208', date: '2021-05-29', lotNumber: 'EW0191' },
          ],
          region: 'NL-NH',
        }),
      )
      const issued = await Promise.all(batch.map((x) => issueCredential({ ...ctx, actor }, x)))
      // Two doses: every card fits one QR.
      cards.push(...issued.map((c) => c.qr as string))
    }
    log('publishing the rule sets (a ledger entry)')
    await publishRuleSets({ ...ctx, actor }, { text: RULES_TEXT })

    const app = createApp({ ...ctx, version: 'bench', ledger }, { accessLog: false })
    const fetch = (url: string) => Promise.resolve(app.request(url))
    const client = createLogClient('', fetch)
    const vkey = (await client.key()).trim()
    const code = hasChromium()
      ? await bundlePage(new URL('./verify-rules-page.ts', import.meta.url))
      : ''

    let snapshot: LogSnapshot | undefined
    for (const target of SIZES) {
      log(`filling the log to ${target} entries`)
      await fill(ledger, target, await client.checkpoint())
      const trustText = await (await fetch('/trust/material')).text()
      const material = await openTrustMaterial(trustText, vkey)
      const started = performance.now()
      const previous = snapshot
      const synced = await syncSnapshot(previous, {
        readTiles: client.readTiles,
        note: await client.checkpoint(),
        policy: material.policyValue,
        origin: material.log.origin,
        now: Math.floor(Date.now() / 1000),
      })
      snapshot = synced.snapshot
      const bytes = encodeSnapshot(snapshot)
      emit({
        bench: 'door.snapshot',
        sync: synced.tiles === 0 ? 'none' : previous === undefined ? 'first' : 'incremental',
        entries: Number(snapshot.size),
        newEntries: Number(snapshot.size - (previous?.size ?? 0n)),
        seconds: round((performance.now() - started) / 1000, 3),
        tiles: synced.tiles,
        bytesRead: synced.bytes,
        storedBytes: bytes.length,
      })
      log(
        `snapshot of ${snapshot.size} entries: ${bytes.length} bytes, synced in ${round((performance.now() - started) / 1000)} s`,
      )
      const door: DoorMaterial = {
        trustText,
        vkey,
        snapshotBase64: Buffer.from(bytes).toString('base64'),
        ruleSet: RULE_SET,
        cards,
      }
      const entries = Number(snapshot.size)
      log(`Node at ${entries} entries`)
      await nodeFigures(door, entries, bytes.length)
      log(`Chromium at ${entries} entries`)
      await chromiumFigures(door, entries, code)
    }
  } finally {
    await ledger.close()
    await drop()
  }
  log('snapshot lookup at 1,000,000 entries')
  emit(lookupAtMillion())
  emit({ bench: 'done', loadAvg1m: load1() })
}

/**
 * The snapshot lookup at the budget's 1,000,000 entries, without a log that large: evenly spread
 * sorted 96-bit prefixes (what SHA-256 leaf hashes look like once sorted), half the lookups hits
 * and half misses. Only `prefixes` is read by snapshotHasLeaf.
 */
function lookupAtMillion(): Figure {
  const n = 1_000_000
  const prefixes = new Uint8Array(n * PREFIX_BYTES)
  const view = new DataView(prefixes.buffer)
  const step = 2 ** 32 / n
  for (let i = 0; i < n; i++) {
    view.setUint32(i * PREFIX_BYTES, Math.floor(i * step))
    view.setUint32(i * PREFIX_BYTES + 4, (i * 2654435761) >>> 0)
    view.setUint32(i * PREFIX_BYTES + 8, (i * 40503) >>> 0)
  }
  const snapshot = { prefixes } as LogSnapshot
  const keys = Array.from({ length: 2000 }, (_, k) => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    if (k % 2 === 0)
      key.set(prefixes.subarray(k * 499 * PREFIX_BYTES, (k * 499 + 1) * PREFIX_BYTES))
    return key
  })
  let hits = 0
  const t0 = performance.now()
  const reps = 500
  for (let r = 0; r < reps; r++) for (const key of keys) if (snapshotHasLeaf(snapshot, key)) hits++
  const us = ((performance.now() - t0) * 1000) / (reps * keys.length)
  if (hits !== (reps * keys.length) / 2) throw new Error(`lookup hits ${hits}`)
  return {
    bench: 'door.node.lookup',
    entries: n,
    prefixBytes: n * PREFIX_BYTES,
    lookupUs: round(us, 3),
    loadAvg1m: load1(),
  }
}

/** Appends filler entries (distinct artefact hashes) until the log holds `target` leaves. */
async function fill(
  ledger: Awaited<ReturnType<typeof openBenchDb>>['ledger'],
  target: number,
  note: string,
) {
  let size = Number(parseCheckpoint(parseNote(note).text).size)
  while (size < target) {
    const n = Math.min(1000, target - size)
    await ledger.append(Array.from({ length: n }, benchEntry))
    size += n
  }
}

function table(): string {
  const rows: string[][] = [['figure', 'entries', 'result', 'target']]
  for (const f of figures) {
    const name = {
      'door.node': 'Node, text → verdict (snapshot) → rule',
      'door.node.verify-only': 'Node, text → verdict (snapshot), no rule',
      'door.chromium': 'Chromium, text → verdict (snapshot) → rule',
      'door.chromium.verify-only': 'Chromium, text → verdict (snapshot), no rule',
    }[f.bench]
    if (name !== undefined && f.perSec !== undefined) {
      const rule = f.bench === 'door.node' || f.bench === 'door.chromium'
      const met = Number(f.p50Ms) < TARGET_P50_MS && Number(f.perSec) >= TARGET_PER_SEC
      rows.push([
        name,
        String(f.entries),
        `${f.perSec} cards/s (best ${f.bestPerSec}${f.perCpuSec === undefined ? '' : `, ${f.perCpuSec}/CPU-s`}), p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms`,
        rule ? `p50 < ${TARGET_P50_MS} ms, ≥ ${TARGET_PER_SEC}/s: ${met ? 'met' : 'MISSED'}` : '',
      ])
    } else if (f.bench === 'door.snapshot') {
      rows.push([
        `snapshot sync (${f.sync}, ${f.newEntries} new)`,
        String(f.entries),
        `${f.seconds} s, ${f.tiles} tiles, ${f.bytesRead} bytes read, ${f.storedBytes} bytes kept`,
        '',
      ])
    } else if (f.bench === 'door.node.lookup') {
      rows.push([
        'Node, snapshot lookup alone (synthetic prefixes)',
        String(f.entries),
        `${f.lookupUs} µs per lookup over ${f.prefixBytes} bytes of prefixes`,
        '',
      ])
    } else if (f.bench.endsWith('.steps')) {
      rows.push([
        `${f.bench.startsWith('door.node') ? 'Node' : 'Chromium'} steps alone`,
        String(f.entries),
        `snapshot lookup ${f.snapshotLookupUs} µs, rule evaluation ${f.ruleEvaluationUs} µs`,
        '',
      ])
    }
  }
  return formatColumns(rows)
}

await main()
process.stdout.write(`\n${table()}\n`)
process.exit(0)
