/**
 * A chart's table stands beside the chart on a wide screen only when it fits there whole; a
 * table wider than the side column (an age-band breakdown: a dozen columns) goes under the chart
 * at full width instead, so no column is hidden behind a scroll bar at 1280 px. Decided from the
 * panel's width, not the table box's, so the choice does not flip once made. A table wider than
 * the whole panel (four columns of figures on a 360 px phone) is shown as cards, one per row, a
 * value per line named by its column (`table.grid.cards`, charts.css), so no column is cut off
 * there either.
 */
const SIDE = 2 / 5 // .panel-body's columns: 3fr chart, 2fr table (charts.css)
const GAP = 16 // 1rem

export function fitTable(root: HTMLElement): void {
  const table = root.querySelector<HTMLElement>('.table-wrap > table')
  if (table === null) return
  const side = (root.clientWidth - GAP) * SIDE
  // The table's own width, not its box's (tables are 100% wide): measured at max-content.
  // Measured as a table, not as cards.
  table.classList.remove('cards')
  const width = table.style.width
  table.style.width = 'max-content'
  const natural = table.offsetWidth
  table.style.width = width
  root.classList.toggle('stacked', natural > side - 2)
  table.classList.toggle('cards', natural > root.clientWidth - 2)
}

let listening = false

/** Fits the panel now, and every panel again when the window changes size. */
export function fitTableNow(root: HTMLElement): void {
  fitTable(root)
  if (listening) return
  listening = true
  addEventListener('resize', () => {
    for (const panel of document.querySelectorAll<HTMLElement>('.panel-body')) fitTable(panel)
  })
}
