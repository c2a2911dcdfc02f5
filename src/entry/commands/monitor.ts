/**
 * @module entry/commands/monitor
 * `vigil monitor URL`: follows a remote log (ledger/monitor), keeping its state in a JSON file.
 * Alerts go to stderr; with --once the exit code is 1 when there was any (its --help text is in
 * cli.ts). Without --once it polls every --interval seconds until stopped.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { remoteSource } from '../../tools/audit/index.ts'
import {
  type AnnouncedRelease,
  emptyState,
  type MonitorState,
  type MonitorStep,
  monitorStep,
} from '../../tools/monitor/index.ts'

export async function runMonitor(args: string[]): Promise<number | undefined> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      vkey: { type: 'string' },
      'expect-key': { type: 'string', multiple: true },
      once: { type: 'boolean' },
      interval: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  })
  const [url] = positionals
  const interval = Number(values.interval ?? 60)
  if (url === undefined || positionals.length !== 1 || !/^https?:\/\//.test(url)) {
    console.error(
      'vigil monitor: give exactly one http(s) URL (the service, e.g. https://vigil.example)',
    )
    return 2
  }
  if (!Number.isFinite(interval) || interval < 1) {
    console.error('vigil monitor: --interval must be at least 1 (seconds)')
    return 2
  }
  const base = url.replace(/\/+$/, '')
  const file = values.state ?? './vigil-monitor.json'
  let source = remoteSource({ url: base })
  let state: MonitorState | undefined = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as MonitorState)
    : undefined
  let vkey = values.vkey ?? state?.vkey
  if (vkey === undefined) {
    vkey = await source.key()
    console.error(`vigil monitor: trusting the key ${base} serves, ${vkey} (--vkey pins it)`)
  }
  if (state !== undefined && state.vkey !== vkey) {
    console.error(`vigil monitor: ${file} follows another log key (${state.vkey})`)
    return 2
  }
  // A sharded log (docs/LEDGER.md "Shards"): follow the shard of the pinned key at /log/<id>/,
  // so a monitor of a shard that was frozen reads it to its final checkpoint, not the next shard.
  const shard = await shardOfKey(base, vkey)
  if (shard !== undefined) {
    source = remoteSource({ url: base, prefix: `log/${shard.id}` })
    if (shard.state === 'frozen')
      console.error(
        `vigil monitor: ${shard.origin} is frozen at size ${shard.finalSize}; follow the active shard with its key (GET ${base}/log/shards)`,
      )
  }
  const expectKeys = values['expect-key'] === undefined ? undefined : new Set(values['expect-key'])
  for (;;) {
    let step: MonitorStep
    try {
      step = await monitorStep(source, state ?? emptyState(vkey), {
        vkey,
        expectKeys,
        releaseFeed: async () => {
          const res = await fetch(`${base}/release/feed.json`)
          if (!res.ok) throw new Error(`${base}/release/feed.json answered ${res.status}`)
          return ((await res.json()) as { releases: AnnouncedRelease[] }).releases
        },
      })
    } catch (err) {
      console.error(`vigil monitor: ${err instanceof Error ? err.message : String(err)}`)
      if (values.once) return 2
      await new Promise((r) => setTimeout(r, interval * 1000))
      continue
    }
    if (step.advanced) {
      state = step.state
      writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2))
      renameSync(`${file}.tmp`, file)
    }
    for (const a of step.alerts) console.error(`ALERT ${a.code}: ${a.message}`)
    const current = step.state
    if (values.json) {
      console.log(
        JSON.stringify({
          size: current.size,
          entries: step.entries,
          alerts: step.alerts,
          totals: current.totals,
          issuerKeys: current.issuerKeys,
        }),
      )
    } else {
      const ok = step.alerts.length === 0 ? 'consistent' : `${step.alerts.length} alert(s)`
      console.log(`size ${current.size} (+${step.entries} entries): ${ok}`)
      for (const [kind, byKey] of Object.entries(current.totals))
        for (const [key, byDay] of Object.entries(byKey))
          for (const [day, n] of Object.entries(byDay)) console.log(`  ${kind} ${key} ${day} ${n}`)
    }
    if (values.once) return step.alerts.length === 0 ? 0 : 1
    await new Promise((r) => setTimeout(r, interval * 1000))
  }
}

interface ListedShard {
  id: number
  origin: string
  vkey: string
  state: 'active' | 'frozen'
  finalSize: string | null
}

/** The shard `/log/shards` lists with this key (undefined: never rotated, or not listed). */
async function shardOfKey(base: string, vkey: string): Promise<ListedShard | undefined> {
  try {
    const res = await fetch(`${base}/log/shards`)
    if (!res.ok) return undefined
    const { shards } = (await res.json()) as { shards: ListedShard[] }
    return shards.find((s) => s.vkey === vkey)
  } catch {
    return undefined
  }
}
