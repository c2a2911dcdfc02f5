/**
 * @module core/gaen/hkdf
 * HKDF-SHA256 (RFC 5869) with no salt and one Expand block, for EN's short inputs: the TEK
 * (16 bytes) and "EN-RPIK" / "EN-AEMK". Matching derives one RPIK per downloaded key, 100,000 or
 * more a day, and a general HMAC spends most of its time setting itself up: here the zero salt's
 * inner and outer states are computed once, every message fits one block, and the whole
 * derivation is six SHA-256 compressions on preallocated words (FIPS 180-4 §6.2).
 * Inputs longer than one block go to @noble/hashes.
 */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
])

const W = new Int32Array(64)

/** One compression: `state` (8 words) absorbs the 16-word big-endian `block` in place. */
function compress(state: Int32Array, block: Int32Array): void {
  for (let t = 0; t < 16; t++) W[t] = block[t] as number
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15] as number
    const y = W[t - 2] as number
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    W[t] = (s1 + (W[t - 7] as number) + s0 + (W[t - 16] as number)) | 0
  }
  let a = state[0] as number
  let b = state[1] as number
  let c = state[2] as number
  let d = state[3] as number
  let e = state[4] as number
  let f = state[5] as number
  let g = state[6] as number
  let h = state[7] as number
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = ((state[0] as number) + a) | 0
  state[1] = ((state[1] as number) + b) | 0
  state[2] = ((state[2] as number) + c) | 0
  state[3] = ((state[3] as number) + d) | 0
  state[4] = ((state[4] as number) + e) | 0
  state[5] = ((state[5] as number) + f) | 0
  state[6] = ((state[6] as number) + g) | 0
  state[7] = ((state[7] as number) + h) | 0
}

const block = new Int32Array(16)
const state = new Int32Array(8)
const inner = new Int32Array(8)

/** block := `bytes` then SHA-256 padding for a message of `prefix` + bytes.length bytes. */
function padded(bytes: Uint8Array, prefix: number): void {
  block.fill(0)
  for (let i = 0; i < bytes.length; i++)
    block[i >> 2] = (block[i >> 2] as number) | ((bytes[i] as number) << (24 - 8 * (i & 3)))
  const n = bytes.length
  block[n >> 2] = (block[n >> 2] as number) | (0x80 << (24 - 8 * (n & 3)))
  block[15] = (prefix + n) * 8
}

/** into := the state after one key block of `key` ⊕ `pad` (key ≤ 16 words, zero-filled). */
function keyState(into: Int32Array, key: Int32Array, pad: number): Int32Array {
  into.set(IV)
  block.fill(pad)
  for (let i = 0; i < key.length; i++) block[i] = (key[i] as number) ^ pad
  compress(into, block)
  return into
}

const IPAD = 0x36363636
const OPAD = 0x5c5c5c5c
// HMAC keyed with the 32 zero bytes of the absent salt: both pads' states, once.
const SALT_INNER = keyState(new Int32Array(8), new Int32Array(8), IPAD)
const SALT_OUTER = keyState(new Int32Array(8), new Int32Array(8), OPAD)
const prk = new Int32Array(8)
const prkInner = new Int32Array(8)
const prkOuter = new Int32Array(8)
const msg = new Uint8Array(55)

/** state := HMAC outer hash over the 8-word inner digest, from the outer key state. */
function outer(from: Int32Array, digest: Int32Array): void {
  state.set(from)
  block.fill(0)
  block.set(digest)
  block[8] = 0x80000000 | 0
  block[15] = (64 + 32) * 8
  compress(state, block)
}

/**
 * HKDF-SHA256(ikm, salt = none, info, length ≤ 32). Same bytes as RFC 5869 with a 32-byte zero
 * salt (the "no salt" default).
 */
export function hkdfSha256NoSalt(ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 32) throw new RangeError('one HKDF-Expand block (32 bytes) at most')
  // One block holds a message of at most 55 bytes: the ikm, or info ‖ 0x01.
  if (ikm.length > 55 || info.length > 54) return nobleHkdf(sha256, ikm, undefined, info, length)
  // Extract: PRK = HMAC(zero salt, ikm).
  state.set(SALT_INNER)
  padded(ikm, 64)
  compress(state, block)
  inner.set(state)
  outer(SALT_OUTER, inner)
  prk.set(state)
  // Expand, first block: T(1) = HMAC(PRK, info ‖ 0x01).
  keyState(prkInner, prk, IPAD)
  keyState(prkOuter, prk, OPAD)
  msg.set(info)
  msg[info.length] = 1
  state.set(prkInner)
  padded(msg.subarray(0, info.length + 1), 64)
  compress(state, block)
  inner.set(state)
  outer(prkOuter, inner)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++)
    out[i] = ((state[i >> 2] as number) >>> (24 - 8 * (i & 3))) & 0xff
  return out
}
