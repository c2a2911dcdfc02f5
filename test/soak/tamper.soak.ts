/**
 * `npm run soak -- tamper`: each mutation kind 10 times at random places, on PGlite and Postgres
 * (TEST_DATABASE_URL, else the local server), each on a fresh copy of a 300-credential log,
 * audited from the database and over HTTP. Prints a JSON line per (engine, kind, mode) and a
 * table kind × mode → detected/named. Any miss is printed with what was expected.
 */
import { loadavg } from 'node:os'
import type { Engine } from '../helpers/db.ts'
import {
  buildLog,
  describeExpected,
  describeFinding,
  KINDS,
  MODES,
  seeded,
  type Trial,
  trial,
} from './tamper.ts'

const RUNS = Number(process.env.TAMPER_RUNS ?? 10)
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function run(): Promise<void> {
  const load = loadavg()[0]?.toFixed(2)
  const trials: Trial[] = []
  for (const engine of ['pglite', 'postgres'] as Engine[]) {
    const started = performance.now()
    const log = await buildLog(engine, { credentials: 300, seed: 11, postgresUrl: POSTGRES })
    try {
      for (const [k, kind] of KINDS.entries())
        for (let r = 0; r < RUNS; r++)
          trials.push(...(await trial(log, kind, seeded(1000 * k + r))))
    } finally {
      await log.close()
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.error(`tamper: ${engine}, log of ${log.size} entries, ${seconds} s`)
  }
  for (const t of trials.filter((t) => !t.named))
    console.error(
      `miss: ${t.engine} ${t.kind} ${t.mode}: want ${describeExpected(t.expected)}, first ${describeFinding(t.first)}`,
    )
  const rows: string[] = []
  for (const kind of KINDS) {
    const cells = MODES.map((mode) => {
      const of = trials.filter((t) => t.kind === kind && t.mode === mode)
      const detected = of.filter((t) => t.detected).length
      const named = of.filter((t) => t.named).length
      console.log(
        JSON.stringify({
          campaign: 'tamper',
          kind,
          mode,
          trials: of.length,
          detected,
          named,
          load,
        }),
      )
      return `${detected}/${named} of ${of.length}`
    })
    rows.push(`| ${kind.padEnd(20)} | ${cells.map((c) => c.padEnd(14)).join(' | ')} |`)
  }
  console.log(`\n| kind (PGlite + Postgres) | database: detected/named | HTTP: detected/named |`)
  console.log('|---|---|---|')
  for (const row of rows) console.log(row)
  console.log(`load average at start: ${load}`)
}
