/**
 * Bulk issuing from the issuer workspace: a CSV or NDJSON file is sent to
 * `POST /api/credentials/batch` in chunks of {@link CHUNK_ROWS} rows, {@link IN_FLIGHT} at a
 * time, so the page can show progress; the per-row reports (each issued row with its passport
 * link) are joined in file order (row numbers made file-wide) and offered as a CSV report
 * (RFC 4180).
 */
import { byId, downloadBlob, el, setState } from '../dom.ts'
import { type MessageKey, onLangChange, t } from '../i18n/index.ts'
import { FieldError, reason } from './api.ts'
import { refusalWords } from './refusal.ts'

/** Rows per request: small enough for steady progress, large enough to batch ledger appends. */
export const CHUNK_ROWS = 100
/**
 * Chunks sent at once: one at a time left the server idle between an answer and the next
 * request, and kept fewer rows waiting for each ledger step than `vigil import` does
 * (docs/PERFORMANCE.md, issue 18).
 */
export const IN_FLIGHT = 4

type Media = 'text/csv' | 'application/x-ndjson'

export interface Chunk {
  text: string
  /** Lines of the file before this chunk's first row (file line = offset + reported row). */
  offset: number
  rows: number
}

/**
 * The records of a CSV text, each with its trailing line break: a line break inside a quoted
 * field does not end a record (RFC 4180 §2.6).
 */
function csvRecords(text: string): string[] {
  const out: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '"') quoted = !quoted
    else if (ch === '\n' && !quoted) {
      out.push(text.slice(start, i + 1))
      start = i + 1
    }
  }
  if (start < text.length) out.push(text.slice(start))
  return out
}

const lineBreaks = (s: string) => s.split('\n').length - 1

/**
 * Splits a file into chunks of `size` rows. CSV chunks repeat the header (the server reads
 * columns by name); NDJSON chunks keep blank lines so the server's line numbers stay countable.
 */
export function chunkFile(text: string, media: Media, size = CHUNK_ROWS): Chunk[] {
  const chunks: Chunk[] = []
  if (media === 'application/x-ndjson') {
    const lines = text.split(/\r?\n/)
    for (let i = 0; i < lines.length; i += size) {
      const part = lines.slice(i, i + size)
      const rows = part.filter((l) => l.trim() !== '').length
      if (rows > 0) chunks.push({ text: part.join('\n'), offset: i, rows })
    }
    return chunks
  }
  const records = csvRecords(text)
  const headerAt = records.findIndex((r) => r.trim() !== '')
  if (headerAt < 0) return chunks
  const header = records[headerAt] as string
  const header_ = header.endsWith('\n') ? header : `${header}\n`
  let line = lineBreaks(records.slice(0, headerAt + 1).join(''))
  const body = records.slice(headerAt + 1)
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size)
    const rows = part.filter((r) => r.trim() !== '').length
    // The server numbers a chunk's rows from 2 (its header is line 1).
    if (rows > 0) chunks.push({ text: header_ + part.join(''), offset: line - 1, rows })
    line += lineBreaks(part.join(''))
  }
  return chunks
}

export type RowReport =
  /** `link`: the citizen's passport link, which the batch answer carries for each issued row. */
  | { row: number; status: 'issued' | 'existing'; id: string; rowKey: string; link?: string }
  | {
      row: number
      status: 'error'
      rowKey: string
      error: { code: string; field?: string; detail: string }
    }

interface BatchReport {
  rows: number
  issued: number
  existing: number
  errors: number
  reports: RowReport[]
}

/** One CSV field, quoted when it must be (RFC 4180 §2.6–2.7). */
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

export function reportCsv(reports: readonly RowReport[]): string {
  const head = 'row,status,credential_id,passport_link,error_code,field,detail'
  const lines = reports.map((r) =>
    (r.status === 'error'
      ? [String(r.row), r.status, '', '', r.error.code, r.error.field ?? '', r.error.detail]
      : [String(r.row), r.status, r.id, r.link ?? '', '', '', '']
    )
      .map(csvField)
      .join(','),
  )
  return `${[head, ...lines].join('\r\n')}\r\n`
}

/** The form label a person knows for an API field path (`patient.birthDate`, `test.0.date`…). */
const FIELD_LABEL: Record<string, MessageKey> = {
  'patient.givenNames': 'issuer.givenNames',
  'patient.familyName': 'issuer.familyName',
  'patient.birthDate': 'issuer.birthDate',
  region: 'issuer.region',
  'immunizations.code': 'issuer.product',
  'immunizations.date': 'issuer.doseDate',
  immunizations: 'issuer.doseDate',
  'immunizations.lotNumber': 'issuer.lot',
  'immunizations.performer': 'issuer.performer',
  'test.code': 'issuer.testCode',
  'test.date': 'issuer.testDate',
  'test.result': 'issuer.result',
  'test.performer': 'issuer.testPerformer',
  type: 'issuer.bulk.field.type',
}

/**
 * A refusal in the page's language, worded as the issuing form words it (refusal.ts: by its
 * stable code, the service's `detail` being English); the value a date refusal names ("2099-03-14
 * is in the future") is taken from that detail, as the page has no field to read it from.
 */
function detailWords(error: { code: string; field?: string; detail: string }): string {
  const value = /\d{4}(?:-\d{2}){0,2}/.exec(error.detail)?.[0] ?? ''
  return refusalWords(error.code, error.detail, error.field, value)
}

function fieldWords(field: string | undefined): string {
  if (field === undefined || field === '') return t('issuer.bulk.field.row')
  const key = FIELD_LABEL[field.replace(/\.\d+(?=\.|$)/g, '')]
  return key === undefined ? field : t(key)
}

/** Posts a chunk as is (the staff client sends JSON only). */
async function postChunk(chunk: Chunk, media: Media, source: string): Promise<BatchReport> {
  let res: Response
  try {
    res = await fetch(`/api/credentials/batch?source=${encodeURIComponent(source)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': media },
      body: chunk.text,
    })
  } catch {
    throw new FieldError('NETWORK', 'the service did not answer', 0)
  }
  const data = (await res.json().catch(() => ({}))) as BatchReport & {
    code?: string
    detail?: string
    field?: string
  }
  if (!res.ok)
    throw new FieldError(
      data.code ?? `HTTP_${res.status}`,
      data.detail ?? res.statusText,
      res.status,
      data.field,
    )
  return data
}

// --- the page -------------------------------------------------------------------------------

const form = byId<HTMLFormElement>('bulk-form')
const file = byId<HTMLInputElement>('bulk-file')
const bar = byId<HTMLProgressElement>('bulk-progress')
const count = byId('bulk-count')
const status = byId('bulk-status')
const reportButton = byId<HTMLButtonElement>('bulk-report')
const refused = byId('bulk-refused')

let result: { name: string; reports: RowReport[]; total: number; done: number } | undefined
let busy = false

function fileError(key: MessageKey | undefined): void {
  byId('bulk-file-error').textContent = key === undefined ? '' : t(key)
  if (key === undefined) file.removeAttribute('aria-invalid')
  else file.setAttribute('aria-invalid', 'true')
}

function render(): void {
  byId('bulk-progress-block').hidden = result === undefined
  if (result === undefined) return
  bar.max = Math.max(result.total, 1)
  bar.value = result.done
  count.textContent = t('issuer.bulk.count', { done: result.done, total: result.total })
  const errors = result.reports.filter((r) => r.status === 'error')
  const existing = result.reports.filter((r) => r.status === 'existing').length
  if (!busy && result.done === result.total) {
    const issued = result.reports.filter((r) => r.status === 'issued').length
    setState(
      status,
      errors.length === 0 ? 'ok' : 'info',
      t('issuer.bulk.summary', { issued, refused: errors.length }) +
        (existing > 0 ? ` ${t('issuer.bulk.existing', { existing })}` : ''),
    )
  }
  reportButton.hidden = busy || result.reports.length === 0
  refused.hidden = errors.length === 0
  byId('bulk-refused-list').replaceChildren(
    ...errors.map((r) =>
      el(
        'li',
        {},
        t('issuer.bulk.refusedRow', {
          row: r.row,
          field: fieldWords(r.status === 'error' ? r.error.field : undefined),
          detail: r.status === 'error' ? detailWords(r.error) : '',
        }),
      ),
    ),
  )
}

async function upload(f: File): Promise<void> {
  const media: Media = /\.(nd)?jsonl?$|\.ndjson$/i.test(f.name)
    ? 'application/x-ndjson'
    : 'text/csv'
  const chunks = chunkFile(await f.text(), media)
  if (chunks.length === 0) {
    fileError('issuer.bulk.err.empty')
    return
  }
  busy = true
  form.querySelector('button')?.setAttribute('disabled', '')
  result = {
    name: f.name,
    reports: [],
    total: chunks.reduce((n, c) => n + c.rows, 0),
    done: 0,
  }
  setState(status, 'busy', t('issuer.bulk.uploading'))
  render()
  // The file's name keys the rows (with their content): uploading it again issues nothing twice.
  const source = `upload:${f.name}`
  const done: RowReport[][] = new Array(chunks.length)
  let next = 0
  let failure: unknown
  // IN_FLIGHT senders take the next chunk in turn; after a failure none starts another.
  const sender = async () => {
    for (let i = next++; i < chunks.length && failure === undefined; i = next++) {
      const chunk = chunks[i] as Chunk
      try {
        const report = await postChunk(chunk, media, source)
        for (const r of report.reports) r.row += chunk.offset
        done[i] = report.reports
      } catch (err) {
        failure ??= err
        return
      }
      if (result === undefined) return
      result.done += chunk.rows
      result.reports = done.flat()
      render()
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, sender))
    if (failure !== undefined) throw failure
  } catch (err) {
    setState(status, 'bad', t('issuer.bulk.failed', { done: result.done, reason: reason(err) }))
  } finally {
    busy = false
    form.querySelector('button')?.removeAttribute('disabled')
    render()
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  if (busy) return
  fileError(undefined)
  const f = file.files?.[0]
  if (f === undefined) {
    fileError('issuer.bulk.err.noFile')
    file.focus()
    return
  }
  result = undefined
  setState(status, 'info', '')
  render()
  void upload(f)
})

reportButton.addEventListener('click', () => {
  if (result === undefined) return
  const base = result.name.replace(/\.[^.]*$/, '')
  downloadBlob(
    `${base}-report.csv`,
    new Blob([reportCsv(result.reports)], { type: 'text/csv;charset=utf-8' }),
  )
})

onLangChange(() => {
  const message = byId('bulk-file-error').textContent
  if (message !== '')
    fileError(file.files?.[0] ? 'issuer.bulk.err.empty' : 'issuer.bulk.err.noFile')
  if (busy) setState(status, 'busy', t('issuer.bulk.uploading'))
  render()
})
