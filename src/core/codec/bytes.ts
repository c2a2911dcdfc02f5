/** @module core/codec/bytes — small Uint8Array helpers shared by the core. */

import { hmac as nobleHmac } from '@noble/hashes/hmac.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Decodes UTF-8, throwing on invalid sequences (fatal) rather than substituting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/**
 * Node runs each WebCrypto call as a thread-pool job (~40 µs even for a card), so small inputs
 * hash faster in JavaScript there; browsers answer `digest` in a few microseconds (Chromium:
 * 3.8 µs for a 1.3 KB card against 19 µs for @noble/hashes), so they always use it.
 */
const SYNC_SHA256_MAX =
  (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
  undefined
    ? 0
    : 16_384

/** A synchronous one-shot SHA-256 (FIPS 180-4), as a platform provides it. */
export type Sha256 = (data: Uint8Array) => Uint8Array

let platformSha256: Sha256 | undefined

/**
 * Installs the platform's SHA-256 for the whole core (src/platform/node-crypto's node:crypto
 * one on Node: 1.5–2× @noble/hashes on a 65-byte Merkle node, 7–9× on an 8 KB tile); undefined
 * restores @noble/hashes, which browsers and Workers keep (WebCrypto's digest is asynchronous,
 * and the Merkle code hashes synchronously).
 */
export function useSha256(impl: Sha256 | undefined): void {
  platformSha256 = impl
}

/** SHA-256 now: the installed platform hash, else @noble/hashes. */
export function sha256Sync(data: Uint8Array): Uint8Array {
  return platformSha256 === undefined ? nobleSha256(data) : platformSha256(data)
}

/** SHA-256's block size in bytes (FIPS 180-4 §1), the HMAC pad length (RFC 2104 §2). */
const BLOCK = 64

/**
 * HMAC-SHA-256 (RFC 2104) now. With a platform hash installed it is two platform hashes over
 * the padded key (a card's rid on Node 20: 6.2 µs against @noble/hashes' 10.4, both cores busy);
 * else @noble/hashes' HMAC.
 */
export function hmacSha256Sync(key: Uint8Array, data: Uint8Array): Uint8Array {
  const hash = platformSha256
  if (hash === undefined) return nobleHmac(nobleSha256, key, data)
  const k = new Uint8Array(BLOCK)
  k.set(key.length > BLOCK ? hash(key) : key)
  const inner = new Uint8Array(BLOCK + data.length)
  const outer = new Uint8Array(BLOCK + 32)
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (k[i] as number) ^ 0x36
    outer[i] = (k[i] as number) ^ 0x5c
  }
  inner.set(data, BLOCK)
  outer.set(hash(inner), BLOCK)
  return hash(outer)
}

/**
 * SHA-256 of the concatenation of `parts`, synchronously. Without a platform hash the parts are
 * fed to one @noble/hashes hasher instead of being copied into one array first: V8 keeps a typed
 * array of up to 64 bytes on its heap and gives a longer one an ArrayBuffer of its own, which in
 * Chromium costs more than hashing a 65-byte Merkle node (RFC 9162 §2.1.1) itself.
 */
export function sha256SyncParts(a: Uint8Array, b: Uint8Array, c?: Uint8Array): Uint8Array {
  if (platformSha256 !== undefined) {
    const input = new Uint8Array(a.length + b.length + (c?.length ?? 0))
    input.set(a)
    input.set(b, a.length)
    if (c !== undefined) input.set(c, a.length + b.length)
    return platformSha256(input)
  }
  const h = nobleSha256.create().update(a).update(b)
  return (c === undefined ? h : h.update(c)).digest()
}

/**
 * SHA-256: the installed platform hash when there is one; else @noble/hashes for small inputs on
 * Node (cards, tokens), WebCrypto otherwise.
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  if (platformSha256 !== undefined) return platformSha256(data)
  if (data.length <= SYNC_SHA256_MAX) return nobleSha256(data)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
}
