/**
 * @module core/shc/qr-read
 * Verifier side of SHC QR text (§Encoding chunks as QR codes): one `shc:/<digits>` or a legacy
 * chunked set `shc:/C/N/<digits>` (deprecated since 1.3.0) scanned in any order. Scanned text is
 * attacker-controlled: its length is bounded before any regular expression runs.
 */
import { ShcError, type ShcWarning } from './errors.ts'
import {
  MAX_JWS_LENGTH,
  MAX_QR_CHUNK_JWS_LENGTH,
  MAX_QR_CHUNKS,
  MAX_QR_DIGITS,
  MAX_QR_JWS_LENGTH,
} from './limits.ts'
import { decodeQrDigits } from './qr-numeric.ts'

const QR_TEXT = /^shc:\/(?:([0-9]{1,3})\/([0-9]{1,3})\/)?([0-9]*)$/
/** Room for `shc:/999/999/` besides the digits. */
const MAX_QR_TEXT = MAX_QR_DIGITS + 16
/**
 * The longest text of a whole chunk set: two digits per character of the longest JWS, plus each
 * chunk's prefix and a line break. Checked before any text is split or decoded.
 */
export const MAX_QR_SET_TEXT = 2 * MAX_JWS_LENGTH + MAX_QR_CHUNKS * 18

interface QrPart {
  readonly index: number
  readonly total: number
  readonly chunked: boolean
  readonly jws: string
}

export interface ReadQrResult {
  readonly jws: string
  readonly warnings: ShcWarning[]
}

function parseChunkNumber(text: string, field: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || Number(text) > MAX_QR_CHUNKS) {
    throw new ShcError('SHC_QR_CHUNK_INDEX', `chunk number ${text} out of range`, { field })
  }
  return Number(text)
}

function parseQrText(raw: string, field: string, warnings: ShcWarning[]): QrPart {
  if (raw.length > MAX_QR_TEXT) {
    throw new ShcError('SHC_TOO_LARGE', 'QR text longer than any QR symbol holds', { field })
  }
  const text = raw.trim()
  if (text !== raw) {
    warnings.push({ code: 'SHC_WHITESPACE_TRIMMED', message: 'whitespace around QR text', field })
  }
  const match = QR_TEXT.exec(text)
  if (match === null || match[3] === '') {
    throw new ShcError('SHC_QR_FORMAT', 'QR text is not shc:/[C/N/]digits', { field })
  }
  const [, c, n, digits = ''] = match
  const chunked = c !== undefined && n !== undefined
  const index = chunked ? parseChunkNumber(c, field) : 1
  const total = chunked ? parseChunkNumber(n, field) : 1
  if (index > total) {
    throw new ShcError('SHC_QR_CHUNK_INDEX', `chunk ${index} of ${total}`, { field })
  }
  return { index, total, chunked, jws: decodeQrDigits(digits, field) }
}

/** Orders a complete chunk set by index; missing, duplicate or inconsistent chunks throw. */
function assembleChunks(parts: readonly QrPart[]): string {
  const total = parts[0]?.total ?? 0
  const byIndex = new Map<number, string>()
  parts.forEach((part, i) => {
    const field = `qr[${i}]`
    if (!part.chunked || part.total !== total) {
      throw new ShcError('SHC_QR_CHUNK_INDEX', 'QR texts do not form one chunk set', { field })
    }
    if (byIndex.has(part.index)) {
      throw new ShcError('SHC_QR_CHUNK_DUPLICATE', `chunk ${part.index} scanned twice`, { field })
    }
    byIndex.set(part.index, part.jws)
  })
  let jws = ''
  for (let i = 1; i <= total; i++) {
    const chunk = byIndex.get(i)
    if (chunk === undefined) {
      throw new ShcError('SHC_QR_CHUNK_MISSING', `chunk ${i} of ${total} missing`, { field: 'qr' })
    }
    jws += chunk
  }
  return jws
}

/** Reads one QR text or a chunk set (any order) into the JWS, with warnings. */
export function readShcQr(qr: string | readonly string[]): ReadQrResult {
  const texts = typeof qr === 'string' ? [qr] : qr
  if (texts.length === 0) throw new ShcError('SHC_INPUT', 'no QR text given', { field: 'qr' })
  if (texts.length > MAX_QR_CHUNKS) {
    throw new ShcError('SHC_TOO_LARGE', 'too many QR chunks', { field: 'qr' })
  }
  if (texts.reduce((n, t) => n + t.length, 0) > MAX_QR_SET_TEXT) {
    throw new ShcError('SHC_TOO_LARGE', 'QR texts longer than the longest JWS', { field: 'qr' })
  }
  const warnings: ShcWarning[] = []
  const parts = texts.map((t, i) => parseQrText(t, `qr[${i}]`, warnings))
  const [first] = parts
  if (parts.length === 1 && first !== undefined && first.total === 1) {
    if (first.chunked) {
      warnings.push({
        code: 'SHC_QR_SINGLE_CHUNK_PREFIX',
        message: 'a single QR must not carry shc:/1/1/',
        field: 'qr[0]',
      })
    }
    if (first.jws.length > MAX_QR_JWS_LENGTH.L) {
      warnings.push({
        code: 'SHC_QR_TOO_LARGE',
        message: `${first.jws.length} JWS characters need a QR version above 22`,
        field: 'qr[0]',
      })
    }
    return { jws: first.jws, warnings }
  }
  const jws = assembleChunks(parts)
  warnings.push({ code: 'SHC_QR_CHUNKED', message: 'chunked QR set (deprecated since 1.3.0)' })
  parts.forEach((part, i) => {
    if (part.jws.length > MAX_QR_CHUNK_JWS_LENGTH) {
      warnings.push({
        code: 'SHC_QR_TOO_LARGE',
        message: `chunk of ${part.jws.length} JWS characters exceeds ${MAX_QR_CHUNK_JWS_LENGTH}`,
        field: `qr[${i}]`,
      })
    }
  })
  return { jws, warnings }
}
