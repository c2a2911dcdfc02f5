/**
 * @module services/credentials/batch
 * Bulk issuing from NDJSON (one issuing request per line) or CSV (one credential per row, one
 * immunization or test each). Every row gets a key — its `rowKey`/`row_key`, else the SHA-256 of
 * its content — so a re-run finds what it already issued: no row lost, none issued twice.
 */
import { parse } from 'csv-parse/sync'
import { sha256 } from '../../core/codec/index.ts'
import { CoreError } from '../../core/errors.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { CredentialInput } from './input.ts'
import { issueWith } from './issue.ts'

export const MAX_BATCH_ROWS = 10_000

export type RowReport =
  | { row: number; status: 'issued' | 'existing'; id: string; rowKey: string }
  | {
      row: number
      status: 'error'
      rowKey: string
      error: { code: string; field?: string; detail: string }
    }

export interface RawRow {
  row: number
  rowKey: string | undefined
  value: unknown
  text: string
}

export function parseNdjson(text: string): RawRow[] {
  const out: RawRow[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      value = Symbol.for('malformed')
    }
    const key =
      typeof value === 'object' && value !== null && 'rowKey' in value
        ? String(value.rowKey)
        : undefined
    out.push({ row: i + 1, rowKey: key, value, text: line })
  })
  return out
}

/** CSV columns: row_key, type, given_names, family_name, birth_date, region, code, date, lot_number, performer, result. */
export function parseCsv(text: string): RawRow[] {
  let records: Record<string, string>[]
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    })
  } catch (cause) {
    throw new ServiceError('VALIDATION', `the CSV cannot be read: ${(cause as Error).message}`, {
      field: 'body',
    })
  }
  return records.map((r, i) => {
    const patient = {
      givenNames: (r.given_names ?? '').split(/\s+/).filter(Boolean),
      familyName: r.family_name,
      birthDate: r.birth_date,
    }
    const value =
      r.type === 'test'
        ? {
            type: 'test',
            patient,
            region: r.region,
            test: {
              code: r.code,
              date: r.date,
              result: r.result,
              ...(r.performer ? { performer: r.performer } : {}),
            },
          }
        : {
            type: r.type,
            patient,
            region: r.region,
            immunizations: [
              {
                code: r.code,
                date: r.date,
                ...(r.lot_number ? { lotNumber: r.lot_number } : {}),
                ...(r.performer ? { performer: r.performer } : {}),
              },
            ],
          }
    return { row: i + 2, rowKey: r.row_key || undefined, value, text: JSON.stringify(r) }
  })
}

/**
 * A row's key in the file (its `rowKey`, else the SHA-256 of its content) and the key the
 * credential keeps to recognise a re-run: HMAC-SHA-256 (RFC 2104) of source and row key under a
 * key derived from the master key, since a row's content holds a name and birth date that an
 * unkeyed hash would let anyone with the table test guesses against (docs/PRIVACY.md). The
 * import key is erased with the personal data.
 */
async function keyOf(
  ctx: ServiceContext,
  source: string,
  row: RawRow,
): Promise<{ rowKey: string; importKey: Uint8Array }> {
  const rowKey =
    row.rowKey ??
    `sha256:${[...(await sha256(new TextEncoder().encode(row.text)))].map((b) => b.toString(16).padStart(2, '0')).join('')}`
  const importKey = await ctx.keys.keyedHash(
    IMPORT_KEY_LABEL,
    new TextEncoder().encode(`${source}\n${rowKey}`),
  )
  return { rowKey, importKey }
}

/** The derivation label of import keys; files imported before it was keyed are not recognised. */
const IMPORT_KEY_LABEL = 'credential-import-key-v1'

export interface BatchInput {
  rows: readonly RawRow[]
  /** Names where the rows came from: with each row key, it makes re-runs idempotent. */
  source: string
  /** Rows in flight at once (default 16). */
  concurrency?: number
  onRow?: (report: RowReport) => void
}

/** Issues every valid row (a few at a time, so ledger appends batch); reports each row. */
export async function issueBatch(ctx: ServiceContext, input: BatchInput): Promise<RowReport[]> {
  const { rows } = input
  // Before any row: a row's UNAUTHENTICATED would be reported as that row's error.
  requireActor(ctx)
  if (rows.length > MAX_BATCH_ROWS) {
    throw new ServiceError('VALIDATION', `at most ${MAX_BATCH_ROWS} rows per batch`, {
      field: 'body',
    })
  }
  const reports: RowReport[] = new Array(rows.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i] as RawRow
      reports[i] = await issueRow(ctx, row, input.source)
      input.onRow?.(reports[i] as RowReport)
    }
  }
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? 16, rows.length) }, worker))
  return reports
}

async function issueRow(ctx: ServiceContext, row: RawRow, source: string): Promise<RowReport> {
  const { rowKey, importKey } = await keyOf(ctx, source, row)
  const fail = (code: string, detail: string, field?: string): RowReport => ({
    row: row.row,
    status: 'error',
    rowKey,
    error: field === undefined ? { code, detail } : { code, field, detail },
  })
  if (typeof row.value === 'symbol') return fail('MALFORMED_JSON', 'the line is not valid JSON')
  const input = CredentialInput.safeParse(stripRowKey(row.value))
  if (!input.success) {
    const error = validationError(input.error.issues, 'invalid row')
    return fail(error.code, error.message, error.field)
  }
  try {
    const issued = await issueWith(ctx, input.data, { importKey })
    return { row: row.row, status: issued.existing ? 'existing' : 'issued', id: issued.id, rowKey }
  } catch (err) {
    if (err instanceof CoreError || err instanceof ServiceError)
      return fail(err.code, err.message, err.field)
    throw err
  }
}

function stripRowKey(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('rowKey' in value)) return value
  const { rowKey: _, ...rest } = value as Record<string, unknown>
  return rest
}

/** A batch as the request body carries it. */
export interface BatchText {
  text: string
  type: 'application/x-ndjson' | 'text/csv'
  source: string
}

/** Parses a request body by media type and issues it; the report counts each outcome. */
export async function issueBatchText(ctx: ServiceContext, { text, type, source }: BatchText) {
  const rows = type === 'text/csv' ? parseCsv(text) : parseNdjson(text)
  const reports = await issueBatch(ctx, { rows, source })
  const count = (s: RowReport['status']) => reports.filter((r) => r.status === s).length
  return {
    rows: reports.length,
    issued: count('issued'),
    existing: count('existing'),
    errors: count('error'),
    reports,
  }
}
