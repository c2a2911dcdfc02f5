/**
 * `npm run bench:storage`: bytes on disk per issued credential on Postgres (docs/SCALING.md's
 * storage projection). Issues BENCH_STORAGE_CARDS credentials (default 5,000; two doses each,
 * as a typical vaccination card) through the service in process, VACUUM ANALYZEs, then reads
 * each table's total size (heap, indexes, TOAST) and divides by the number issued. One JSON line
 * per table group, then a table.
 *
 * What is counted: the credential rows and their sealed personal data (kept until erased), the
 * log (pending, entries, hash tiles, entry bundles, checkpoints; kept forever), the audit trail
 * and the surveillance facts. Small fixed tables (keys, identity, staff) are left out; the
 * database's own fixed overhead is subtracted by measuring the same tables before issuing.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_STORAGE_CARDS.
 */
import { cpus, loadavg } from 'node:os'
import postgres from 'postgres'
import { COMMAND_LINE } from '../src/platform/context/index.ts'
import { issueCredential } from '../src/services/credentials/index.ts'
import { openBenchDb } from './setup.ts'
import { formatColumns } from './table.ts'

const CARDS = Number(process.env.BENCH_STORAGE_CARDS ?? '5000')
const IN_FLIGHT = 32

/** Table groups as docs/SCALING.md names them (a table missing here is reported as "other"). */
const GROUPS: Record<string, readonly string[]> = {
  credentials: ['credentials'],
  'personal data (sealed)': ['credential_personal_data'],
  'log entries': ['log_entries', 'log_pending'],
  'log tiles and bundles': ['log_tiles', 'log_entry_bundles', 'log_bundles'],
  checkpoints: ['log_checkpoints', 'log_cosignatures', 'checkpoint_cosignatures'],
  'audit trail': ['audit_events', 'audit_trail', 'audit_log'],
  'surveillance facts': ['facts', 'surveillance_rollups'],
}

async function sizes(url: string): Promise<Map<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe('vacuum analyze')
    const rows = await sql<{ name: string; bytes: string }[]>`
      SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = 'public'`
    return new Map(rows.map((r) => [r.name, Number(r.bytes)]))
  } finally {
    await sql.end({ timeout: 5 })
  }
}

async function main(): Promise<void> {
  const b = await openBenchDb('postgres')
  try {
    const url = b.url as string
    const before = await sizes(url)
    const ctx = { ...b.ctx, actor: COMMAND_LINE }
    const started = performance.now()
    for (let i = 0; i < CARDS; i += IN_FLIGHT) {
      await Promise.all(
        Array.from({ length: Math.min(IN_FLIGHT, CARDS - i) }, (_, j) =>
          issueCredential(ctx, {
            type: 'immunization',
            patient: {
              givenNames: ['Storage', `P${i + j}`],
              familyName: 'Bench',
              birthDate: '1980-01-01',
            },
            immunizations: [
              { code: '208', date: '2021-05-01', lotNumber: 'EW0182', performer: 'GGD Amsterdam' },
              { code: '208', date: '2021-05-29', lotNumber: 'EW0191', performer: 'GGD Amsterdam' },
            ],
            region: 'NL-NH',
          }),
        ),
      )
    }
    const seconds = (performance.now() - started) / 1000
    const after = await sizes(url)
    const grouped = new Map<string, number>()
    for (const [table, bytes] of after) {
      const grown = bytes - (before.get(table) ?? 0)
      if (grown <= 0) continue
      const group =
        Object.entries(GROUPS).find(([, tables]) => tables.includes(table))?.[0] ??
        `other: ${table}`
      grouped.set(group, (grouped.get(group) ?? 0) + grown)
    }
    const rows: string[][] = [['group', 'bytes per credential']]
    let total = 0
    for (const [group, bytes] of [...grouped].sort((a, b) => b[1] - a[1])) {
      const per = Math.round(bytes / CARDS)
      total += per
      process.stdout.write(
        `${JSON.stringify({ bench: 'storage', group, bytesPerCredential: per })}\n`,
      )
      rows.push([group, String(per)])
    }
    const summary = {
      bench: 'storage.total',
      cards: CARDS,
      bytesPerCredential: total,
      issueSeconds: Number(seconds.toFixed(1)),
      cores: cpus().length,
      loadAvg1m: Number(loadavg()[0]?.toFixed(2)),
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`)
    rows.push(['total', String(total)])
    process.stderr.write(`${formatColumns(rows)}\n`)
  } finally {
    await b.drop()
  }
}

await main()
