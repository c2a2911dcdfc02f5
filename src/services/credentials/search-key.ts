/**
 * @module services/credentials/search-key
 * Finding a person's credentials without their name in clear (docs/PRIVACY.md): the search key
 * is HMAC-SHA-256 (RFC 2104) of the normalised given names, family name and birth date under a
 * key derived from the master key. Without the master key a stored value cannot be tested
 * against guessed names; it sits on the sealed record's row and is erased with it.
 */
import type { ServiceContext } from '../../platform/context/index.ts'

const LABEL = 'credential-search-key-v1'

export interface SearchSubject {
  givenNames: readonly string[]
  familyName: string
  birthDate: string
}

/**
 * Unicode NFKC (UAX #15) so composed and decomposed letters match, lower-cased as the case
 * fold, white space collapsed and trimmed: `  ANNE  marie ` and `Anne Marie` are one name.
 */
export function normaliseName(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()
}

/** The message the key is computed over: fields joined by a separator no name can hold. */
export function searchMessage(subject: SearchSubject): string {
  return [
    normaliseName(subject.givenNames.join(' ')),
    normaliseName(subject.familyName),
    subject.birthDate.trim(),
  ].join('\u0000')
}

/** The keyed hash of `subject` (32 bytes). */
export async function searchKey(ctx: ServiceContext, subject: SearchSubject): Promise<Uint8Array> {
  return ctx.keys.keyedHash(LABEL, new TextEncoder().encode(searchMessage(subject)))
}
