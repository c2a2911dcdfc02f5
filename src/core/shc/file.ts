/**
 * @module core/shc/file
 * The `.smart-health-card` file (SHC 1.4 §via File Download): JSON
 * `{"verifiableCredential": ["<jws>", ...]}`, served as `application/smart-health-card`. A file
 * may carry several cards; each is verified on its own (verifyShcFile). File text is untrusted.
 */
import { ShcError, type ShcWarning } from './errors.ts'
import { parseJsonObject } from './json.ts'
import { MAX_FILE_LENGTH } from './limits.ts'
import type { ShcTrust } from './trust.ts'
import { type VerifiedShc, verifyShc } from './verify.ts'

export const SHC_FILE_MEDIA_TYPE = 'application/smart-health-card'
export const SHC_FILE_EXTENSION = '.smart-health-card'
const MAX_FILE_CARDS = 100
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export interface ParsedHealthCardFile {
  readonly jws: readonly string[]
  readonly warnings: readonly ShcWarning[]
}

export type FileCardResult =
  | { readonly index: number; readonly ok: true; readonly card: VerifiedShc }
  | { readonly index: number; readonly ok: false; readonly error: ShcError }

export function createHealthCardFile(jws: readonly string[]): string {
  if (jws.length === 0 || jws.length > MAX_FILE_CARDS) {
    throw new ShcError('SHC_FILE_FORMAT', 'a file holds 1 to 100 cards', { field: 'jws' })
  }
  jws.forEach((j, i) => {
    if (!COMPACT_JWS.test(j)) {
      throw new ShcError('SHC_JWS_FORMAT', 'not a compact JWS', { field: `jws[${i}]` })
    }
  })
  return JSON.stringify({ verifiableCredential: jws })
}

/** Reads a file's cards (strings, not yet verified); `fileName`, when known, is checked. */
export function parseHealthCardFile(text: string, fileName?: string): ParsedHealthCardFile {
  const file = parseJsonObject(text, MAX_FILE_LENGTH, 'SHC_FILE_FORMAT', 'file')
  const list = file.verifiableCredential
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > MAX_FILE_CARDS ||
    !list.every((j) => typeof j === 'string')
  ) {
    throw new ShcError('SHC_FILE_FORMAT', 'verifiableCredential must list 1 to 100 JWS strings', {
      field: 'verifiableCredential',
    })
  }
  const warnings: ShcWarning[] =
    fileName === undefined || fileName.endsWith(SHC_FILE_EXTENSION)
      ? []
      : [{ code: 'SHC_FILE_EXTENSION', message: `file name does not end in ${SHC_FILE_EXTENSION}` }]
  return { jws: list as string[], warnings }
}

/** Verifies every card of a file independently: one result per credential. */
export async function verifyShcFile(
  text: string,
  trust: ShcTrust,
  now: number,
  fileName?: string,
): Promise<{ readonly results: FileCardResult[]; readonly warnings: readonly ShcWarning[] }> {
  const file = parseHealthCardFile(text, fileName)
  const results: FileCardResult[] = []
  for (const [index, jws] of file.jws.entries()) {
    try {
      results.push({ index, ok: true, card: await verifyShc({ jws }, trust, now) })
    } catch (error) {
      if (!(error instanceof ShcError)) throw error
      results.push({ index, ok: false, error })
    }
  }
  return { results, warnings: file.warnings }
}
