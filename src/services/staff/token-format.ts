/**
 * @module services/staff/token-format
 * The API token's text form, `vgl_<id>_<secret>`: a public id (12 characters of lower-case
 * RFC 4648 base32, the row's key, safe to show and log) and a 32-byte secret in base64url
 * (RFC 4648 §5, 43 characters). Only SHA-256 of the secret is ever stored.
 */

import { fromBase64Url, sha256, toBase64Url } from '../../core/codec/index.ts'
import type { Random } from '../../platform/context/index.ts'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const ID_LENGTH = 12
const SECRET_BYTES = 32
const TOKEN = /^vgl_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/
/** `vgl_` + id + `_` + secret: the only length a token can have. */
const TOKEN_LENGTH = 4 + ID_LENGTH + 1 + 43

export interface ParsedToken {
  id: string
  secret: Uint8Array
}

/** 60 random bits: 256 is a multiple of 32, so `byte & 31` picks each letter uniformly. */
export function newTokenId(random: Random): string {
  let id = ''
  for (const byte of random(ID_LENGTH)) id += BASE32[byte & 31]
  return id
}

export function newTokenSecret(random: Random): Uint8Array {
  return random(SECRET_BYTES)
}

export function formatToken(id: string, secret: Uint8Array): string {
  return `vgl_${id}_${toBase64Url(secret)}`
}

/** True for a well-formed token id (what `DELETE /api/tokens/{id}` and the CLI accept). */
export function isTokenId(text: string): boolean {
  return text.length === ID_LENGTH && /^[a-z2-7]+$/.test(text)
}

/**
 * Attacker-controlled input (an Authorization header): anything not exactly this shape, including
 * a secret with non-canonical trailing bits, is undefined, so a malformed token costs no query.
 */
export function parseToken(text: string): ParsedToken | undefined {
  if (text.length !== TOKEN_LENGTH) return undefined
  const match = TOKEN.exec(text)
  if (match === null) return undefined
  try {
    return { id: match[1] as string, secret: fromBase64Url(match[2] as string) }
  } catch {
    return undefined
  }
}

export function hashSecret(secret: Uint8Array): Promise<Uint8Array> {
  return sha256(secret)
}
