/**
 * The table beside each chart: the same grid, as numbers a screen reader can walk and a person
 * can copy. Suppressed cells say so in words; a table wider than its panel (a phone) is shown as
 * one card per row (charts/fit.ts), and the wrapper can be focused to scroll with the keyboard.
 */
import { el } from '../dom.ts'
import { lang, t } from '../i18n/index.ts'
import type { Cell, ColumnKind, Grid } from './grid.ts'

export function formatCount(n: number): string {
  return new Intl.NumberFormat(lang()).format(n)
}

export function formatRate(r: number): string {
  // Three significant digits: 80%, 12.3%, and 0.12% for a small share (not a row of 0.1%).
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumSignificantDigits: 3 }).format(r)
}

export function cellText(cell: Cell, kind: ColumnKind): string {
  if (cell === 'suppressed') return t('cell.suppressed')
  if (cell === 'na') return t('cell.na')
  return kind === 'rate' ? formatRate(cell) : formatCount(cell)
}

let tables = 0

export function renderTable(grid: Grid): HTMLElement {
  const id = `grid-caption-${++tables}`
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, grid.rowHead.label),
    ...grid.columns.map((c) => el('th', { scope: 'col' }, c.label)),
  )
  const body = grid.rows.map((row, i) =>
    el(
      'tr',
      { 'data-key': row.key },
      el('th', { scope: 'row' }, row.label),
      ...grid.columns.map((c) => {
        const cell = c.cells[i] ?? 'na'
        return el(
          'td',
          {
            'data-kind': c.kind,
            'data-cell': typeof cell === 'number' ? 'value' : cell,
            'data-value': typeof cell === 'number' ? String(cell) : undefined,
            // Its column's name, said before the value when the rows are cards (charts/fit.ts).
            'data-label': c.label,
          },
          cellText(cell, c.kind),
        )
      }),
    ),
  )
  const table = el(
    'table',
    { class: 'grid' },
    el('caption', { id }, grid.caption),
    el('thead', {}, head),
    el('tbody', {}, ...body),
  )
  return el(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': id },
    table,
  )
}
