/**
 * @module services/staff/audit-csv
 * The audit trail as CSV (RFC 4180): one header line, then one record per event, newest first as
 * the API pages it, produced page by page so a long trail never sits in memory at once.
 */
import type { AuditEventView } from '../../core/api-types/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { type AuditQuery, listAuditEvents, MAX_AUDIT_PAGE } from './list-audit.ts'

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'actor_name',
  'role',
  'action',
  'target_id',
  'request_id',
  'detail',
] as const

/**
 * One field: quoted when it holds a comma, a quote, CR or LF, with quotes doubled (RFC 4180 §2,
 * rules 6 and 7). A field a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets
 * a leading apostrophe (OWASP "CSV injection"): names in the trail are typed by people.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** One record with its CRLF (RFC 4180 §2, rule 1). */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

export function auditEventRecord(e: AuditEventView): string {
  return csvRecord([
    String(e.id),
    e.at,
    e.actor.kind,
    e.actor.id,
    e.actor.name,
    e.role ?? '',
    e.action,
    e.targetId ?? '',
    e.requestId ?? '',
    e.detail === null ? '' : JSON.stringify(e.detail),
  ])
}

/**
 * The header, then every event the filters select (`before` and `limit` are ignored: the export
 * is the whole selection).
 * @example for await (const chunk of auditCsv(ctx, { action: 'token.create' })) write(chunk)
 */
export async function* auditCsv(
  ctx: ServiceContext,
  query: Omit<AuditQuery, 'before' | 'limit'> = {},
): AsyncGenerator<string> {
  yield csvRecord(AUDIT_CSV_COLUMNS)
  let before: number | undefined
  do {
    const page = await listAuditEvents(ctx, { ...query, before, limit: MAX_AUDIT_PAGE })
    if (page.events.length > 0) yield page.events.map(auditEventRecord).join('')
    before = page.next ?? undefined
  } while (before !== undefined)
}
