/**
 * A chart's numbers as one grid: rows (periods or places) × columns (series). The chart, the
 * table beside it and the CSV download are all drawn from the same grid, so they cannot
 * disagree. A cell the service hid is 'suppressed', never a blank or a zero.
 */

import { downloadBlob } from '../dom.ts'

/** A number, a cell the service suppressed, or one that has no meaning (no population). */
export type Cell = number | 'suppressed' | 'na'

export type ColumnKind = 'count' | 'rate' | 'number'

export interface Column {
  /** Machine name: the CSV header. */
  key: string
  /** Words: the table header and the chart legend. */
  label: string
  /** count: protected by the service (suppressed if small); number: public as is (population, ledger). */
  kind: ColumnKind
  cells: Cell[]
  /** Drawn in the chart (all columns are in the table and the CSV). */
  plot: boolean
}

export interface Grid {
  caption: string
  /** The first column: `period` or `region`. */
  rowHead: { key: string; label: string }
  rows: { key: string; label: string }[]
  columns: Column[]
  /** Write each row's label after its key in the CSV (places; a period's key says it all). */
  csvNames?: boolean
}

/** Rows with no figure to plot: hidden (some cell suppressed) or without meaning (all n/a). */
export function emptyRows(grid: Grid): { hidden: number[]; na: number[] } {
  const plotted = grid.columns.filter((c) => c.plot)
  const hidden: number[] = []
  const na: number[] = []
  if (plotted.length === 0) return { hidden, na }
  grid.rows.forEach((_, i) => {
    const cells = plotted.map((c) => c.cells[i])
    if (cells.some((c) => typeof c === 'number')) return
    if (cells.includes('suppressed')) hidden.push(i)
    else na.push(i)
  })
  return { hidden, na }
}

/** A count as published: null means the service suppressed it. */
export const countCell = (n: number | null | undefined): Cell =>
  n === null || n === undefined ? 'suppressed' : n

/**
 * A rate as published: null when its count or denominator was suppressed, or when there is no
 * denominator to divide by (a place without population figures): the two are told apart.
 */
export function rateCell(
  rate: number | null | undefined,
  count: number | null | undefined,
  denominator: number | null | undefined,
  denominatorSuppressible: boolean,
): Cell {
  if (rate !== null && rate !== undefined) return rate
  if (count === null || count === undefined) return 'suppressed'
  if (denominator === null || denominator === undefined)
    return denominatorSuppressible ? 'suppressed' : 'na'
  return 'na'
}

/** Spreadsheets run text that starts with these as a formula (CSV injection). */
const FORMULA = /^[=+\-@\t\r]/

function csvField(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const csvCell = (c: Cell): string => (typeof c === 'number' ? String(c) : c === 'na' ? '' : c)

/**
 * RFC 4180 text (CRLF line ends): the row key, the row's name (places), then every column;
 * suppressed cells say `suppressed`, cells without meaning are empty.
 */
export function toCsv(grid: Grid): string {
  const named = grid.csvNames === true
  const header = [grid.rowHead.key, ...(named ? ['name'] : []), ...grid.columns.map((c) => c.key)]
  const lines = [header.map(csvField).join(',')]
  grid.rows.forEach((row, i) => {
    const fields = [row.key, ...(named ? [row.label] : [])].map(csvField)
    for (const col of grid.columns) fields.push(csvCell(col.cells[i] ?? 'na'))
    lines.push(fields.join(','))
  })
  return `${lines.join('\r\n')}\r\n`
}

/** Saves text as a file (CSV unless `type` says otherwise). */
export function downloadText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(name, new Blob([text], { type }))
}
