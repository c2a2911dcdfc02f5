/**
 * @module core/gaen/crypto
 * Exposure Notification cryptography v1.2: ENIntervalNumber, TEK → RPIK → RPI, TEK → AEMK → AEM
 * (Apple/Google Exposure Notification Cryptography Specification v1.2). HKDF-SHA256 with no salt
 * (32 zero bytes), AES-128 blocks.
 *
 * The two primitives come from a `GaenCrypto` provider so that a runtime with faster native crypto
 * can inject it (src/exposure/node-crypto.ts on Node); the default is pure (hkdf.ts + aes.ts) and
 * runs in browsers. Both produce the same bytes; the EN vectors are tested against both.
 */
import { utf8 } from '../codec/index.ts'
import { CoreError } from '../errors.ts'
import { encryptWords, expandKey } from './aes.ts'
import { hkdfSha256NoSalt } from './hkdf.ts'

export type GaenErrorCode =
  | 'GAEN_KEY'
  | 'GAEN_EXPORT'
  | 'GAEN_SIGNATURE'
  | 'GAEN_TEKMAC'
  | 'GAEN_BASE64'
export class GaenError extends CoreError<GaenErrorCode> {}

/** Seconds per ENIntervalNumber. */
export const INTERVAL_SECONDS = 600
/** Intervals per TEK (24 h). */
export const TEK_ROLLING_PERIOD = 144
/** Clock-drift tolerance for a match: ±12 intervals (2 h). */
export const MATCH_TOLERANCE = 12

/** ENIntervalNumber of a time in POSIX seconds. */
export const intervalNumber = (unixSeconds: number): number =>
  Math.floor(unixSeconds / INTERVAL_SECONDS)
export const intervalStart = (enin: number): number => enin * INTERVAL_SECONDS
/** The first interval of the UTC day that contains `enin`. */
export const dayStart = (enin: number): number =>
  Math.floor(enin / TEK_ROLLING_PERIOD) * TEK_ROLLING_PERIOD

/** The primitives EN needs; an implementation must be synchronous (matching is a tight loop). */
export interface GaenCrypto {
  /** HKDF-SHA256 (RFC 5869) with no salt, i.e. 32 zero bytes; `length` ≤ 32. */
  hkdf(ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** AES-128-ECB without padding over whole 16-byte blocks (`blocks.length` a multiple of 16). */
  aes128EcbEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array
}

/** Pure implementation: the one-block HKDF of hkdf.ts and the table AES of aes.ts. Runs anywhere. */
export const pureGaenCrypto: GaenCrypto = {
  hkdf: hkdfSha256NoSalt,
  aes128EcbEncrypt(key, blocks) {
    if (blocks.length % 16 !== 0) throw new RangeError('AES-ECB input is whole 16-byte blocks')
    const w = expandKey(key)
    const out = new Uint8Array(blocks.length)
    const view = new DataView(blocks.buffer, blocks.byteOffset, blocks.byteLength)
    for (let at = 0; at < blocks.length; at += 16)
      encryptWords(
        w,
        view.getUint32(at),
        view.getUint32(at + 4),
        view.getUint32(at + 8),
        view.getUint32(at + 12),
        out,
        at,
      )
    return out
  },
}

const INFO_RPIK = utf8('EN-RPIK')
const INFO_AEMK = utf8('EN-AEMK')

function checkTek(tek: Uint8Array): void {
  if (tek.length !== 16) throw new GaenError('GAEN_KEY', 'a TEK is 16 bytes', { field: 'key' })
}

export function rpik(tek: Uint8Array, c: GaenCrypto = pureGaenCrypto): Uint8Array {
  checkTek(tek)
  return c.hkdf(tek, INFO_RPIK, 16)
}

export function aemk(tek: Uint8Array, c: GaenCrypto = pureGaenCrypto): Uint8Array {
  checkTek(tek)
  return c.hkdf(tek, INFO_AEMK, 16)
}

/** "EN-RPI" ‖ 00×6 ‖ uint32LE(enin). */
export function paddedData(enin: number): Uint8Array {
  const out = new Uint8Array(16)
  out.set(utf8('EN-RPI'))
  new DataView(out.buffer).setUint32(12, enin >>> 0, true)
  return out
}

const W0 = 0x454e2d52 // "EN-R"
const W1 = 0x50490000 // "PI\0\0"
const bswap = (n: number) =>
  (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0

/** RPI for one interval. */
export function rpi(rpiKey: Uint8Array, enin: number, c: GaenCrypto = pureGaenCrypto): Uint8Array {
  return c.aes128EcbEncrypt(rpiKey, paddedData(enin))
}

/** PaddedData for `count` intervals from `start`, concatenated. */
export function paddedBlocks(start: number, count: number): Uint8Array {
  const out = new Uint8Array(16 * count)
  const view = new DataView(out.buffer)
  for (let i = 0; i < count; i++) {
    view.setUint32(16 * i, W0)
    view.setUint32(16 * i + 4, W1)
    view.setUint32(16 * i + 12, (start + i) >>> 0, true)
  }
  return out
}

/**
 * RPIs for `count` intervals from `start`, concatenated (16 bytes each), in one ECB call as the
 * reference does. The pure path builds PaddedData in registers instead of allocating it.
 */
export function rpis(
  rpiKey: Uint8Array,
  start: number,
  count = TEK_ROLLING_PERIOD,
  c: GaenCrypto = pureGaenCrypto,
): Uint8Array {
  if (c !== pureGaenCrypto) return c.aes128EcbEncrypt(rpiKey, paddedBlocks(start, count))
  const w = expandKey(rpiKey)
  const out = new Uint8Array(16 * count)
  for (let i = 0; i < count; i++) encryptWords(w, W0, W1, 0, bswap(start + i), out, 16 * i)
  return out
}

/** AEM = AES-128-CTR(AEMK, IV = RPI) of the metadata: the first keystream block is E(RPI). */
export function aem(
  aemKey: Uint8Array,
  rpiValue: Uint8Array,
  metadata: Uint8Array,
  c: GaenCrypto = pureGaenCrypto,
): Uint8Array {
  if (metadata.length > 16) throw new GaenError('GAEN_KEY', 'metadata is at most 16 bytes')
  if (rpiValue.length !== 16) throw new GaenError('GAEN_KEY', 'an RPI is 16 bytes')
  const stream = c.aes128EcbEncrypt(aemKey, rpiValue)
  return metadata.map((b, i) => b ^ (stream[i] as number))
}

/** CTR is its own inverse. */
export const decryptAem = aem

/** A fresh TEK for the day containing `enin` (the caller supplies randomness). */
export function newTek(random: (n: number) => Uint8Array, enin: number) {
  return { key: random(16), rollingStartIntervalNumber: dayStart(enin), rollingPeriod: 144 }
}
