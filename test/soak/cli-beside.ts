/**
 * Driver: CLI commands as real processes beside a `vigil serve` that is restarted while they
 * run, on the embedded database. Every command that exited 0 must have its write in the
 * database afterwards, once (none lost, none duplicated). Used by test/reliability (small) and
 * `npm run soak -- cli-beside` (50 token creations and 50 imports).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { startRuntime } from '../../src/entry/runtime.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { rowsOf } from '../../src/platform/db/client.ts'
import { runCli } from '../helpers/cli.ts'
import { freePort, type RunningServer, startServer } from '../helpers/server.ts'

export interface CliBesideOptions {
  tokens: number
  imports: number
  restarts: number
  /** Commands running at once. */
  parallel: number
}

export interface CliBesideReport {
  tokens: {
    attempted: number
    acknowledged: number
    stored: number
    lost: number
    duplicated: number
  }
  imports: {
    attempted: number
    acknowledged: number
    stored: number
    lost: number
    duplicated: number
  }
  restarts: number
  /** Wall time of the commands that exited 0 (ms): p50 and max. */
  commandMs: { p50: number; max: number }
  failures: string[]
  seconds: number
}

export async function runCliBeside(options: CliBesideOptions): Promise<CliBesideReport> {
  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-beside-'))
  const port = String(await freePort())
  const env = { VIGIL_DATA_DIR: dir }
  let server: RunningServer | undefined = await startServer({ ...env, PORT: port })
  const failures: string[] = []
  const times: number[] = []
  const ackTokens: string[] = []
  const ackImports: string[] = []
  try {
    const token = async (i: number) => {
      const name = `soak-token-${i}`
      const r = await runCli(['tokens', 'create', '--name', name, '--role', 'issuer'], env)
      if (r.code === 0) {
        ackTokens.push(name)
        times.push(r.ms)
      } else failures.push(`${name}: exit ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`)
    }
    const importRow = async (i: number) => {
      const key = `soak-row-${i}`
      const file = join(dir, `${key}.ndjson`)
      writeFileSync(
        file,
        `${JSON.stringify({
          rowKey: key,
          type: 'immunization',
          patient: { givenNames: [`P${i}`], familyName: 'Soak', birthDate: '1980-01-01' },
          immunizations: [{ code: '208', date: '2021-05-01' }],
          region: 'XV-N',
        })}\n`,
      )
      const r = await runCli(['import', file, '--source', 'soak'], env)
      if (r.code === 0) {
        ackImports.push(key)
        times.push(r.ms)
      } else failures.push(`${key}: exit ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`)
    }
    // Token creations and imports interleaved.
    const jobs: (() => Promise<void>)[] = []
    for (let i = 0; i < Math.max(options.tokens, options.imports); i++) {
      if (i < options.tokens) jobs.push(() => token(i))
      if (i < options.imports) jobs.push(() => importRow(i))
    }
    let next = 0
    const workers = Array.from({ length: options.parallel }, async () => {
      while (next < jobs.length) await jobs[next++]?.()
    })
    // Restarts spread over the run, while commands are in flight.
    const restarter = (async () => {
      for (let r = 0; r < options.restarts; r++) {
        await new Promise((resolve) => setTimeout(resolve, 4_000))
        if (next >= jobs.length) break
        await server?.stop()
        server = undefined
        server = await startServer({ ...env, PORT: port })
      }
    })()
    await Promise.all([...workers, restarter])
  } finally {
    await server?.stop()
  }
  // Count what is stored: the server is down, so this process opens the directory itself.
  const rt = await startRuntime(parseConfig({ ...env, VIGIL_LOG_LEVEL: 'silent' }), {
    migrate: true,
  })
  let tokenRows: { name: string; n: number }[]
  let importRows: { given: string; n: number }[]
  try {
    tokenRows = rowsOf<{ name: string; n: number }>(
      await rt.ctx.db.execute(
        sql`select name, count(*)::int as n from api_tokens where name like 'soak-token-%' group by name`,
      ),
    )
    importRows = rowsOf<{ given: string; n: number }>(
      await rt.ctx.db.execute(
        sql`select encode(import_key, 'hex') as given, count(*)::int as n from credentials where import_key is not null group by import_key`,
      ),
    )
  } finally {
    await rt.ledger.close()
    await rt.database.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const storedTokens = new Map(tokenRows.map((r) => [r.name, Number(r.n)]))
  const sorted = [...times].sort((a, b) => a - b)
  return {
    tokens: {
      attempted: options.tokens,
      acknowledged: ackTokens.length,
      stored: storedTokens.size,
      lost: ackTokens.filter((n) => !storedTokens.has(n)).length,
      duplicated: [...storedTokens.values()].filter((n) => n > 1).length,
    },
    imports: {
      attempted: options.imports,
      acknowledged: ackImports.length,
      stored: importRows.length,
      // Imports are keyed by (source, row key): fewer stored rows than acknowledged is a loss.
      lost: Math.max(0, ackImports.length - importRows.length),
      duplicated: importRows.filter((r) => Number(r.n) > 1).length,
    },
    restarts: options.restarts,
    commandMs: {
      p50: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      max: Math.round(sorted.at(-1) ?? 0),
    },
    failures,
    seconds: Math.round((performance.now() - started) / 1000),
  }
}
