/**
 * @module core/verify/input
 * What a venue scanned, pasted or opened, read into one compact JWS: `shc:/…` QR text (one code,
 * or the lines of a legacy chunked set), a bare compact JWS, or a `.smart-health-card` file
 * (`{"verifiableCredential": [jws, …]}`; the first card is verified, a warning says there were
 * more). Throws ShcError or VerifyError codes; the verifier turns them into the format check.
 */

import {
  MAX_JWS_LENGTH,
  MAX_QR_SET_TEXT,
  parseHealthCardFile,
  readShcQr,
  ShcError,
} from '../shc/index.ts'
import { VerifyError } from './errors.ts'

/**
 * Longest `.smart-health-card` text the venue's verifier parses: room for its largest card (a
 * JWS of MAX_JWS_LENGTH) or a few ordinary ones (about 1–4 KB each) and the JSON around them.
 * Parsing is the cost of a file (a crafted 1 MB file took 54 ms, over a hundred times an
 * ordinary rejection); anything longer is refused before it is parsed.
 */
export const MAX_SCANNED_FILE_LENGTH = MAX_JWS_LENGTH + 8192

/**
 * Longest text read at all: the longest QR chunk set, with room for the blank lines and spaces
 * a paste brings. Longer input is refused before it is trimmed or matched (a 2 MB paste took
 * 55 ms to find unrecognisable).
 */
export const MAX_SCANNED_TEXT = MAX_QR_SET_TEXT + 4096

export interface ScannedCard {
  readonly jws: string
  readonly source: 'qr' | 'jws' | 'file'
  /** Warning codes (core SHC_* warnings, VERIFY_FILE_MORE_CARDS). */
  readonly warnings: readonly string[]
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const QR_PREFIX = /^shc:\//i
/** Where each QR text of a pasted set starts (scanners may upper-case the prefix). */
const QR_START = /(?=shc:\/)/i
const WHITESPACE = /\s+/g
/** One QR text without whitespace: the prefix once, then digits and chunk slashes only. */
const ONE_QR_TEXT = /^shc:\/[0-9/]*$/i
/** EU DCC QR text: `HC1:` then base45 (eHealth Network, Electronic Health Certificates §2). */
const DCC_PREFIX = /^hc1:/i

/**
 * The QR texts of a pasted `shc:/…` text: one per `shc:/` prefix, with every space and line
 * break removed (an e-mail client wraps long digit runs; QR text itself never holds whitespace,
 * SHC 1.4 §Encoding chunks as QR codes).
 */
function qrTexts(text: string): string[] {
  // The usual scan, one QR text and nothing else: as it is, without splitting at each position.
  if (ONE_QR_TEXT.test(text)) return [text.startsWith('shc:/') ? text : `shc:/${text.slice(5)}`]
  return text
    .split(QR_START)
    .map((part) => part.replace(WHITESPACE, ''))
    .filter((part) => part !== '')
    .map((part) => part.replace(QR_PREFIX, 'shc:/'))
}

export function readScannedText(text: string): ScannedCard {
  if (typeof text === 'string' && text.length > MAX_SCANNED_TEXT) {
    throw new ShcError('SHC_TOO_LARGE', 'longer than any card a verifier reads', {
      field: 'input',
    })
  }
  const trimmed = typeof text === 'string' ? text.trim() : ''
  if (trimmed === '') throw new VerifyError('VERIFY_INPUT_EMPTY', 'nothing to verify')
  if (QR_PREFIX.test(trimmed)) {
    // Bounded before splitting: 50,000 one-pair lines cost 1,000 times a card to split.
    if (trimmed.length > MAX_QR_SET_TEXT) {
      throw new ShcError('SHC_TOO_LARGE', 'QR text longer than the longest JWS', { field: 'qr' })
    }
    const lines = qrTexts(trimmed)
    const { jws, warnings } = readShcQr(lines.length === 1 ? (lines[0] as string) : lines)
    return { jws, source: 'qr', warnings: warnings.map((w) => w.code) }
  }
  if (trimmed.startsWith('{')) {
    if (trimmed.length > MAX_SCANNED_FILE_LENGTH) {
      throw new ShcError('SHC_TOO_LARGE', 'file longer than a verifier reads', { field: 'file' })
    }
    const file = parseHealthCardFile(trimmed)
    const [jws] = file.jws
    const warnings: string[] = file.warnings.map((w) => w.code)
    if (file.jws.length > 1) warnings.push('VERIFY_FILE_MORE_CARDS')
    return { jws: jws as string, source: 'file', warnings }
  }
  if (DCC_PREFIX.test(trimmed)) {
    throw new VerifyError('VERIFY_INPUT_DCC', 'an EU Digital COVID Certificate (HC1:) is not read')
  }
  // A JWS wrapped over lines: base64url never holds whitespace (RFC 7515 §7.1).
  const jws = trimmed.replace(WHITESPACE, '')
  if (COMPACT_JWS.test(jws)) return { jws, source: 'jws', warnings: [] }
  throw new VerifyError(
    'VERIFY_INPUT_UNRECOGNISED',
    'not a SMART Health Card: expected shc:/ QR text, a compact JWS or a .smart-health-card file',
  )
}

const CHUNK_HEADER = /^shc:\/(\d{1,2})\/(\d{1,2})\//

/**
 * How much of a chunked `shc:/C/N/…` set the text holds, when parts are missing: `k` distinct
 * chunks of `n` (SHC 1.4 §Chunking, deprecated but still printed). Undefined for a single QR,
 * a complete set or anything else, so a page can say "2 of 3 parts scanned".
 */
export function qrChunkProgress(text: string): { scanned: number; total: number } | undefined {
  if (typeof text !== 'string' || text.length > MAX_SCANNED_TEXT) return undefined
  const seen = new Set<number>()
  let total: number | undefined
  for (const part of qrTexts(text.trim())) {
    const m = CHUNK_HEADER.exec(part)
    if (m === null) return undefined
    const [c, n] = [Number(m[1]), Number(m[2])]
    if (n < 2 || c < 1 || c > n || (total !== undefined && n !== total)) return undefined
    total = n
    seen.add(c)
  }
  if (total === undefined || seen.size >= total) return undefined
  return { scanned: seen.size, total }
}
