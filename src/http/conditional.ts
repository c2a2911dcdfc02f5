/**
 * @module http/conditional
 * Conditional GET for resources with a strong validator (RFC 9110 §13.1.2 If-None-Match): a
 * client or CDN holding the same representation gets 304 with the headers a 200 would carry
 * (§15.4.5), and no body.
 */
import type { Context } from 'hono'

/** Whether `If-None-Match` names `etag` (weak comparison, §8.8.3.2) or is `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  // Attacker-controlled: compared entry by entry as plain strings, never parsed into a pattern.
  for (const raw of header.split(',')) {
    const tag = raw.trim()
    if (tag === '*') return true
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true
  }
  return false
}

/**
 * Sets ETag and Cache-Control, and answers 304 when the request already holds `etag`; undefined
 * when the caller should send the body.
 */
export function notModified(c: Context, etag: string, cacheControl: string): Response | undefined {
  c.header('etag', etag)
  c.header('cache-control', cacheControl)
  if (!matchesEtag(c.req.header('if-none-match'), etag)) return undefined
  return c.body(null, 304)
}
