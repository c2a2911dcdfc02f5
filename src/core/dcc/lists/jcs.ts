/**
 * @module core/dcc/lists/jcs
 * RFC 8785 JSON Canonicalization Scheme: object members sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript serialises them (§3.2.2) — which
 * JSON.stringify already does for primitives. Used for the bytes a DID proof signs.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}
