/**
 * @module core/gaen/crypto
 * Exposure Notification cryptography v1.2: ENIntervalNumber, TEK → RPIK → RPI, TEK → AEMK → AEM
 * (gaen.md §1). HKDF-SHA256 with no salt (32 zero bytes), AES-128 single blocks (aes.ts).
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from '../codec/bytes.ts'
import { CoreError } from '../errors.ts'
import { aesBlock, encryptWords, expandKey } from './aes.ts'

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

const INFO_RPIK = utf8('EN-RPIK')
const INFO_AEMK = utf8('EN-AEMK')

function checkTek(tek: Uint8Array): void {
  if (tek.length !== 16) throw new GaenError('GAEN_KEY', 'a TEK is 16 bytes', { field: 'key' })
}

export function rpik(tek: Uint8Array): Uint8Array {
  checkTek(tek)
  return hkdf(sha256, tek, undefined, INFO_RPIK, 16)
}

export function aemk(tek: Uint8Array): Uint8Array {
  checkTek(tek)
  return hkdf(sha256, tek, undefined, INFO_AEMK, 16)
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
export function rpi(rpiKey: Uint8Array, enin: number): Uint8Array {
  return aesBlock(rpiKey, paddedData(enin))
}

/** RPIs for `count` intervals from `start`, concatenated (16 bytes each). */
export function rpis(rpiKey: Uint8Array, start: number, count = TEK_ROLLING_PERIOD): Uint8Array {
  const w = expandKey(rpiKey)
  const out = new Uint8Array(16 * count)
  for (let i = 0; i < count; i++) encryptWords(w, W0, W1, 0, bswap(start + i), out, 16 * i)
  return out
}

/** AEM = AES-128-CTR(AEMK, IV = RPI) of the metadata: the first keystream block is E(RPI). */
export function aem(aemKey: Uint8Array, rpiValue: Uint8Array, metadata: Uint8Array): Uint8Array {
  if (metadata.length > 16) throw new GaenError('GAEN_KEY', 'metadata is at most 16 bytes')
  const stream = aesBlock(aemKey, rpiValue)
  return metadata.map((b, i) => b ^ (stream[i] as number))
}

/** CTR is its own inverse. */
export const decryptAem = aem

/** A fresh TEK for the day containing `enin` (the caller supplies randomness). */
export function newTek(random: (n: number) => Uint8Array, enin: number) {
  return { key: random(16), rollingStartIntervalNumber: dayStart(enin), rollingPeriod: 144 }
}
