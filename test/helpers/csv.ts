/** A small RFC 4180 reader for tests: quoted fields, doubled quotes, CRLF-terminated records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += ch
  }
  // Every record ends in CRLF (RFC 4180 §2.1–2.2): anything left over is a cut-off file.
  if (field !== '' || row.length > 0) throw new Error('CSV ends inside a record')
  return rows
}
