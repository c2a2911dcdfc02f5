/**
 * @module core/gaen/aes
 * AES-128 single-block encryption (FIPS 197), table-driven and synchronous. EN derives 144 RPIs
 * per key: one WebCrypto call per 16-byte block (AES-CBC with a zero IV, the only ECB-like form
 * WebCrypto offers) costs microseconds of promise and thread-pool overhead, far too slow for
 * matching 100,000 keys. `aesBlockWebCrypto` is kept as the reference the tests compare with.
 */

const SBOX = new Uint8Array(256)
const T0 = new Uint32Array(256)
const T1 = new Uint32Array(256)
const T2 = new Uint32Array(256)
const T3 = new Uint32Array(256)

const rotl8 = (x: number, s: number) => ((x << s) | (x >>> (8 - s))) & 0xff
const xtime = (x: number) => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff

{
  // The S-box from the multiplicative inverse in GF(2^8) and the affine map (p walks 3^i, q 3^-i).
  let p = 1
  let q = 1
  do {
    p = p ^ xtime(p)
    q ^= q << 1
    q ^= q << 2
    q ^= q << 4
    q &= 0xff
    if (q & 0x80) q ^= 0x09
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63
  } while (p !== 1)
  SBOX[0] = 0x63
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x] as number
    const s2 = xtime(s)
    const s3 = s2 ^ s
    const t = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0
    T0[x] = t
    T1[x] = ((t >>> 8) | (t << 24)) >>> 0
    T2[x] = ((t >>> 16) | (t << 16)) >>> 0
    T3[x] = ((t >>> 24) | (t << 8)) >>> 0
  }
}

const sub = (w: number) =>
  (((SBOX[w >>> 24] as number) << 24) |
    ((SBOX[(w >>> 16) & 0xff] as number) << 16) |
    ((SBOX[(w >>> 8) & 0xff] as number) << 8) |
    (SBOX[w & 0xff] as number)) >>>
  0

const word = (b: Uint8Array, o: number) =>
  (((b[o] as number) << 24) |
    ((b[o + 1] as number) << 16) |
    ((b[o + 2] as number) << 8) |
    (b[o + 3] as number)) >>>
  0

/** The 44-word AES-128 key schedule. */
export function expandKey(key: Uint8Array): Uint32Array {
  if (key.length !== 16) throw new RangeError('AES-128 needs a 16-byte key')
  const w = new Uint32Array(44)
  for (let i = 0; i < 4; i++) w[i] = word(key, 4 * i)
  let rcon = 1
  for (let i = 4; i < 44; i++) {
    let t = w[i - 1] as number
    if (i % 4 === 0) {
      t = sub(((t << 8) | (t >>> 24)) >>> 0) ^ (rcon << 24)
      rcon = xtime(rcon)
    }
    w[i] = ((w[i - 4] as number) ^ t) >>> 0
  }
  return w
}

/**
 * Encrypts the block (s0, s1, s2, s3) (big-endian words) and writes 16 bytes to out[at..].
 * The word interface lets callers build EN's PaddedData without allocating.
 */
export function encryptWords(
  w: Uint32Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  out: Uint8Array,
  at: number,
): void {
  let s0 = (a0 ^ (w[0] as number)) >>> 0
  let s1 = (a1 ^ (w[1] as number)) >>> 0
  let s2 = (a2 ^ (w[2] as number)) >>> 0
  let s3 = (a3 ^ (w[3] as number)) >>> 0
  for (let r = 1; r < 10; r++) {
    const k = 4 * r
    const t0 =
      (T0[s0 >>> 24] as number) ^
      (T1[(s1 >>> 16) & 0xff] as number) ^
      (T2[(s2 >>> 8) & 0xff] as number) ^
      (T3[s3 & 0xff] as number) ^
      (w[k] as number)
    const t1 =
      (T0[s1 >>> 24] as number) ^
      (T1[(s2 >>> 16) & 0xff] as number) ^
      (T2[(s3 >>> 8) & 0xff] as number) ^
      (T3[s0 & 0xff] as number) ^
      (w[k + 1] as number)
    const t2 =
      (T0[s2 >>> 24] as number) ^
      (T1[(s3 >>> 16) & 0xff] as number) ^
      (T2[(s0 >>> 8) & 0xff] as number) ^
      (T3[s1 & 0xff] as number) ^
      (w[k + 2] as number)
    const t3 =
      (T0[s3 >>> 24] as number) ^
      (T1[(s0 >>> 16) & 0xff] as number) ^
      (T2[(s1 >>> 8) & 0xff] as number) ^
      (T3[s2 & 0xff] as number) ^
      (w[k + 3] as number)
    s0 = t0 >>> 0
    s1 = t1 >>> 0
    s2 = t2 >>> 0
    s3 = t3 >>> 0
  }
  const f = (x0: number, x1: number, x2: number, x3: number, k: number, o: number) => {
    const v =
      ((((SBOX[x0 >>> 24] as number) << 24) |
        ((SBOX[(x1 >>> 16) & 0xff] as number) << 16) |
        ((SBOX[(x2 >>> 8) & 0xff] as number) << 8) |
        (SBOX[x3 & 0xff] as number)) ^
        (w[k] as number)) >>>
      0
    out[o] = v >>> 24
    out[o + 1] = (v >>> 16) & 0xff
    out[o + 2] = (v >>> 8) & 0xff
    out[o + 3] = v & 0xff
  }
  f(s0, s1, s2, s3, 40, at)
  f(s1, s2, s3, s0, 41, at + 4)
  f(s2, s3, s0, s1, 42, at + 8)
  f(s3, s0, s1, s2, 43, at + 12)
}

/** AES-128-ECB of one 16-byte block. */
export function aesBlock(key: Uint8Array | Uint32Array, block: Uint8Array): Uint8Array {
  const w = key instanceof Uint32Array ? key : expandKey(key)
  const out = new Uint8Array(16)
  encryptWords(w, word(block, 0), word(block, 4), word(block, 8), word(block, 12), out, 0)
  return out
}

/** The same single block through WebCrypto: AES-CBC, zero IV, first ciphertext block. */
export async function aesBlockWebCrypto(key: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'AES-CBC' },
    false,
    ['encrypt'],
  )
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-CBC', iv: new Uint8Array(16) },
    k,
    block as Uint8Array<ArrayBuffer>,
  )
  return new Uint8Array(ct, 0, 16)
}
