/**
 * @module core/shl/payload
 * The SMART Health Link itself (IG "SMART Health Links", §Construct a SMART Health Link
 * Payload): minified JSON `{url, key, exp?, flag?, label?, v?}`, base64url-encoded, prefixed
 * with `shlink:/`, optionally behind a viewer URL ending in `#` (the fragment never reaches a
 * server, so neither does the key). Making a link checks every rule; reading one is as lenient
 * as the spec asks (unknown properties and unknown flag letters are ignored) and as strict as
 * safety needs (the key, the URL, U with P, the version).
 */
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../codec/index.ts'
import { ShlError } from './errors.ts'

export const SHLINK_PREFIX = 'shlink:/'
/** The manifest URL's bound (§Establish a SMART Health Link Manifest URL). */
export const MAX_SHL_URL_LENGTH = 128
/** `label`: "no longer than 80 characters" (§payload table). */
export const MAX_SHL_LABEL_LENGTH = 80
/** `key`: 32 random bytes, base64url: 43 characters (§payload table). */
export const SHL_KEY_BYTES = 32
export const SHL_KEY_LENGTH = 43
/** Longest `shlink:/…` text read (a payload is a few hundred characters; this bounds the work). */
export const MAX_SHLINK_LENGTH = 4096

export interface ShlPayload {
  readonly url: string
  readonly key: string
  /** Epoch seconds: a hint that the link is stale after it. */
  readonly exp?: number
  /** Single letters in alphabetical order (`L`, `P`, `U`; others are ignored by receivers). */
  readonly flag?: string
  readonly label?: string
  readonly v?: number
}

export interface ShlFlags {
  /** `L`: long-term; the manifest can change over time. */
  readonly longTerm: boolean
  /** `P`: a passcode is required. */
  readonly passcode: boolean
  /** `U`: the url is a single encrypted file fetched by GET (never with P). */
  readonly single: boolean
}

/** Flag letters sorted as the spec requires ("concatenating … in alphabetical order"). */
export function flagString(flags: ShlFlags): string {
  return `${flags.longTerm ? 'L' : ''}${flags.passcode ? 'P' : ''}${flags.single ? 'U' : ''}`
}

/** Reads a flag string; `U` with `P` is refused (payload table: "SHALL NOT be used in combination"). */
export function readFlags(flag: string | undefined): ShlFlags {
  const text = flag ?? ''
  if (!/^[A-Z]*$/.test(text)) {
    throw new ShlError('SHL_FLAG', 'flag must be capital letters', { field: 'flag' })
  }
  for (let i = 1; i < text.length; i++) {
    if ((text[i - 1] as string) >= (text[i] as string)) {
      throw new ShlError('SHL_FLAG', 'flag letters must be in alphabetical order, each once', {
        field: 'flag',
      })
    }
  }
  const flags = {
    longTerm: text.includes('L'),
    passcode: text.includes('P'),
    single: text.includes('U'),
  }
  if (flags.passcode && flags.single) {
    throw new ShlError('SHL_FLAG', 'flag U cannot be combined with P', { field: 'flag' })
  }
  return flags
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** https, or http to a loopback host (a development server); never credentials in the URL. */
function checkUrl(url: unknown, field: string): string {
  if (typeof url !== 'string' || url === '') {
    throw new ShlError('SHL_URL', 'url is missing', { field })
  }
  if (url.length > MAX_SHL_URL_LENGTH) {
    throw new ShlError('SHL_URL', `url is longer than ${MAX_SHL_URL_LENGTH} characters`, { field })
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ShlError('SHL_URL', 'url is not an absolute URL', { field })
  }
  const secure =
    parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))
  if (!secure || parsed.username !== '' || parsed.password !== '') {
    throw new ShlError('SHL_URL', 'url must be https (http only to a loopback host)', { field })
  }
  return url
}

/** The key's 32 bytes; anything else (length, alphabet, padding) is SHL_KEY. */
export function readShlKey(key: unknown): Uint8Array {
  if (typeof key !== 'string' || key.length !== SHL_KEY_LENGTH) {
    throw new ShlError('SHL_KEY', `key must be ${SHL_KEY_LENGTH} base64url characters`, {
      field: 'key',
    })
  }
  try {
    return fromBase64Url(key)
  } catch (cause) {
    throw new ShlError('SHL_KEY', 'key is not base64url', { field: 'key', cause })
  }
}

function checkLabel(label: unknown): string | undefined {
  if (label === undefined) return undefined
  // Characters as a person counts them (code points), not UTF-16 units.
  if (typeof label !== 'string' || [...label].length > MAX_SHL_LABEL_LENGTH) {
    throw new ShlError(
      'SHL_LABEL',
      `label must be text of at most ${MAX_SHL_LABEL_LENGTH} characters`,
      {
        field: 'label',
      },
    )
  }
  return label
}

function checkExp(exp: unknown): number | undefined {
  if (exp === undefined) return undefined
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp < 0) {
    throw new ShlError('SHL_EXP', 'exp must be epoch seconds', { field: 'exp' })
  }
  return exp
}

/** Checks every rule of a payload; returns only the spec's properties. */
export function checkShlPayload(input: {
  url: unknown
  key: unknown
  exp?: unknown
  flag?: unknown
  label?: unknown
  v?: unknown
}): ShlPayload {
  const url = checkUrl(input.url, 'url')
  readShlKey(input.key)
  if (input.flag !== undefined && typeof input.flag !== 'string') {
    throw new ShlError('SHL_FLAG', 'flag must be a string', { field: 'flag' })
  }
  readFlags(input.flag)
  const exp = checkExp(input.exp)
  const label = checkLabel(input.label)
  if (input.v !== undefined && input.v !== 1) {
    // Design Note "Protocol Versioning": a newer v SHOULD NOT be fetched.
    throw new ShlError('SHL_VERSION', `version ${String(input.v)} is not supported (only 1)`, {
      field: 'v',
    })
  }
  const checked: Record<string, unknown> = {
    url,
    key: input.key,
    exp,
    flag: input.flag === '' ? undefined : input.flag,
    label,
    v: input.v,
  }
  // The caller's property order is kept (the spec's example encodes url, flag, key, label).
  const out: Record<string, unknown> = {}
  for (const name of [...Object.keys(input), ...Object.keys(checked)]) {
    if (name in checked && checked[name] !== undefined && !(name in out)) out[name] = checked[name]
  }
  return out as unknown as ShlPayload
}

/** `shlink:/` + base64url(minified JSON); every rule is checked first. */
export function encodeShlink(payload: ShlPayload): string {
  const checked = checkShlPayload(payload)
  return SHLINK_PREFIX + toBase64Url(utf8(JSON.stringify(checked)))
}

/** A viewer URL: the viewer's address, `#`, then the link (§Construct…: "ends with `#`"). */
export function viewerUrl(viewer: string, shlink: string): string {
  return `${viewer.replace(/#.*$/, '')}#${shlink}`
}

/** The `shlink:/…` part of scanned or pasted text: bare, or after a viewer URL's `#`. */
export function extractShlink(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed.length > MAX_SHLINK_LENGTH) return undefined
  if (trimmed.startsWith(SHLINK_PREFIX)) return trimmed
  const at = trimmed.indexOf(`#${SHLINK_PREFIX}`)
  if (at < 0 || !/^https?:\/\//i.test(trimmed)) return undefined
  return trimmed.slice(at + 1)
}

/** True for text a receiver should treat as a SMART Health Link. */
export function isShlink(text: string): boolean {
  return extractShlink(text) !== undefined
}

/**
 * Reads a link (bare or behind a viewer URL). Unknown properties and unknown flag letters are
 * ignored (Design Note "Protocol Versioning": receivers SHALL ignore them); `U` with `P`, a bad
 * key or URL, and a newer `v` are refused.
 */
export function parseShlink(text: string): ShlPayload & { readonly flags: ShlFlags } {
  const shlink = extractShlink(text)
  if (shlink === undefined) {
    throw new ShlError('SHL_FORMAT', 'not a SMART Health Link (shlink:/…)', { field: 'shlink' })
  }
  let json: unknown
  try {
    json = JSON.parse(
      fromUtf8(fromBase64Url(shlink.slice(SHLINK_PREFIX.length).replace(/=+$/, ''))),
    )
  } catch (cause) {
    throw new ShlError('SHL_FORMAT', 'the link payload is not base64url JSON', {
      field: 'shlink',
      cause,
    })
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ShlError('SHL_FORMAT', 'the link payload is not a JSON object', { field: 'shlink' })
  }
  const raw = json as Record<string, unknown> & { url?: unknown; key?: unknown }
  if (raw.flag !== undefined && typeof raw.flag !== 'string') {
    throw new ShlError('SHL_FLAG', 'flag must be a string', { field: 'flag' })
  }
  // Receivers ignore letters they do not know; the known ones keep their meaning.
  const known = (raw.flag ?? '').replace(/[^LPU]/g, '')
  const payload = checkShlPayload({
    ...raw,
    url: raw.url,
    key: raw.key,
    flag: raw.flag === undefined ? undefined : known,
  })
  return {
    ...payload,
    ...(raw.flag === undefined ? {} : { flag: raw.flag }),
    flags: readFlags(known),
  }
}
