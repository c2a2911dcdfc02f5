/**
 * @module entry/commands/import
 * `vigil import FILE`: bulk issuing from NDJSON or CSV straight into the database (the same
 * service as POST /api/credentials/batch), with a progress bar on a terminal and a per-row error
 * report. Re-running the same file issues nothing twice (rows are keyed).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import type { Actor } from '../../platform/context/index.ts'
import {
  issueBatch,
  parseCsv,
  parseNdjson,
  type RowReport,
} from '../../services/credentials/index.ts'
import { loadConfig, startRuntime } from '../runtime.ts'

/** The operator on this machine, as the audit trail and `issued_by` have always named imports. */
const IMPORT_ACTOR: Actor = { kind: 'staff', id: 'cli', name: 'vigil import', roles: ['issuer'] }

export async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { source: { type: 'string' }, report: { type: 'string' }, format: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const file = positionals[0]
  if (file === undefined || positionals.length > 1) {
    console.error('vigil import: give one FILE (.ndjson, .jsonl or .csv)')
    return 2
  }
  const format = values.format ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'ndjson')
  if (format !== 'csv' && format !== 'ndjson') {
    console.error('vigil import: --format must be csv or ndjson')
    return 2
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    console.error(`vigil import: cannot read ${file}: ${(err as Error).message}`)
    return 2
  }
  const rows = format === 'csv' ? parseCsv(text) : parseNdjson(text)
  const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'importing [{bar}] {value}/{total} rows | {eta}s left' },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  bar?.start(rows.length, 0)
  let done = 0
  try {
    const reports = await issueBatch(
      { ...ctx, actor: IMPORT_ACTOR },
      { rows, source: values.source ?? basename(file), onRow: () => bar?.update(++done) },
    )
    bar?.stop()
    return summarise(reports, values.report)
  } finally {
    await database.close()
  }
}

function summarise(reports: RowReport[], reportFile: string | undefined): number {
  const count = (s: RowReport['status']) => reports.filter((r) => r.status === s).length
  const errors = reports.filter((r) => r.status === 'error')
  for (const e of errors) {
    if (e.status !== 'error') continue
    console.error(
      `row ${e.row} (${e.rowKey}): ${e.error.code}${e.error.field ? ` at ${e.error.field}` : ''}: ${e.error.detail}`,
    )
  }
  if (reportFile !== undefined)
    writeFileSync(reportFile, `${reports.map((r) => JSON.stringify(r)).join('\n')}\n`)
  console.log(
    `${reports.length} rows: ${count('issued')} issued, ${count('existing')} already issued, ${errors.length} errors`,
  )
  return errors.length > 0 ? 1 : 0
}
