/** Rows of cells (the first is the header) as a plain-text table with aligned columns. */
export function formatColumns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? []
  const line = (r: readonly string[]) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')
  return [
    line(rows[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n')
}
