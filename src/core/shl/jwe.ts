/**
 * @module core/shl/jwe
 * Files of a SMART Health Link (IG §Encrypting and Decrypting Files): compact JWE with
 * `alg: dir`, `enc: A256GCM`, `cty` naming the content type, under the link's 32-byte key, with
 * jose. `zip: DEF` (raw DEFLATE, RFC 1951) is optional: jose 6.2 compresses and inflates it
 * itself (CompressionStream / DecompressionStream "deflate-raw", present in Node ≥ 20.12,
 * workerd and every current browser) and bounds the inflated size, so no second codec is needed
 * here. The IV is passed in (the core takes randomness as a parameter): the spec requires a unique
 * nonce per encryption under the one key of a link, which 96 random bits give.
 */
import { CompactEncrypt, compactDecrypt, errors } from 'jose'
import { fromBase64Url, fromUtf8 } from '../codec/index.ts'
import { ShlError } from './errors.ts'

export const SHL_JWE_MEDIA_TYPE = 'application/jose'
/** Longest JWE text read (a long vaccination history is tens of KB). */
export const MAX_SHL_FILE_LENGTH = 8_388_608
/** Largest plaintext a file may decrypt (or inflate) to. */
export const MAX_SHL_PLAINTEXT_BYTES = 8_388_608
const IV_BYTES = 12
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export interface EncryptShlFileOptions {
  /** DEFLATE the plaintext first and say so with `zip: DEF` (default true: JSON shrinks ~3×). */
  readonly compress?: boolean
  /** 12 random bytes, fresh for every encryption under this key. */
  readonly iv: Uint8Array
}

/** Encrypts one file under the link's key (32 bytes, or its 43-character base64url form). */
export async function encryptShlFile(
  key: Uint8Array,
  plaintext: Uint8Array | string,
  contentType: string,
  options: EncryptShlFileOptions,
): Promise<string> {
  if (key.length !== 32) throw new ShlError('SHL_KEY', 'the key must be 32 bytes', { field: 'key' })
  if (options.iv.length !== IV_BYTES) {
    throw new ShlError('SHL_JWE_FORMAT', 'the IV must be 12 bytes', { field: 'iv' })
  }
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext
  const header = {
    alg: 'dir',
    enc: 'A256GCM',
    cty: contentType,
    ...(options.compress === false ? {} : { zip: 'DEF' as const }),
  }
  return new CompactEncrypt(bytes)
    .setProtectedHeader(header)
    .setInitializationVector(options.iv)
    .encrypt(key)
}

export interface DecryptedShlFile {
  /** The protected header's `cty` (undefined when the sharer left it out). */
  readonly contentType: string | undefined
  readonly plaintext: Uint8Array
}

function header(jwe: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(fromUtf8(fromBase64Url(jwe.slice(0, jwe.indexOf('.')))))
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // reported below
  }
  throw new ShlError('SHL_JWE_FORMAT', 'the JWE header is not a JSON object', { field: 'jwe' })
}

/**
 * Decrypts a file fetched or embedded from an untrusted server: the format and header are
 * checked before any key is used, then the GCM tag (a wrong key and a tampered file are the
 * same failure, SHL_DECRYPT), then the inflated size.
 */
export async function decryptShlFile(
  jwe: string,
  key: Uint8Array,
  maxBytes = MAX_SHL_PLAINTEXT_BYTES,
): Promise<DecryptedShlFile> {
  if (typeof jwe !== 'string' || jwe.length > MAX_SHL_FILE_LENGTH) {
    throw new ShlError('SHL_TOO_LARGE', `a file is longer than ${MAX_SHL_FILE_LENGTH} characters`, {
      field: 'jwe',
    })
  }
  const text = jwe.trim()
  if (!COMPACT_JWE.test(text)) {
    throw new ShlError('SHL_JWE_FORMAT', 'not a compact JWE with direct encryption', {
      field: 'jwe',
    })
  }
  const h = header(text)
  if (h.alg !== 'dir' || h.enc !== 'A256GCM') {
    throw new ShlError('SHL_JWE_HEADER', 'the JWE must use alg dir and enc A256GCM', {
      field: 'jwe.header',
    })
  }
  if (h.zip !== undefined && h.zip !== 'DEF') {
    throw new ShlError('SHL_JWE_HEADER', 'zip must be DEF when present', { field: 'jwe.header' })
  }
  try {
    const out = await compactDecrypt(text, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      maxDecompressedLength: maxBytes,
    })
    if (out.plaintext.length > maxBytes) {
      throw new ShlError('SHL_TOO_LARGE', `a file decrypts to more than ${maxBytes} bytes`, {
        field: 'jwe',
      })
    }
    return {
      contentType: typeof h.cty === 'string' ? h.cty : undefined,
      plaintext: out.plaintext,
    }
  } catch (cause) {
    if (cause instanceof ShlError) throw cause
    if (cause instanceof errors.JWEDecryptionFailed) {
      throw new ShlError('SHL_DECRYPT', 'the file does not decrypt under the link key', {
        field: 'jwe',
        cause,
      })
    }
    if (cause instanceof errors.JWEInvalid && /exceeded/.test(cause.message)) {
      throw new ShlError('SHL_TOO_LARGE', `a file inflates to more than ${maxBytes} bytes`, {
        field: 'jwe',
        cause,
      })
    }
    if (cause instanceof errors.JWEInvalid && /decompress/i.test(cause.message)) {
      throw new ShlError('SHL_JWE_FORMAT', 'the file is marked zip DEF but does not inflate', {
        field: 'jwe',
        cause,
      })
    }
    if (cause instanceof errors.JOSEError) {
      throw new ShlError('SHL_JWE_FORMAT', `not a valid JWE (${cause.code})`, {
        field: 'jwe',
        cause,
      })
    }
    throw new ShlError('SHL_DECRYPT', 'the file could not be decrypted', { field: 'jwe', cause })
  }
}
