/**
 * @module core/gaen/tekmac
 * The verification protocol's HMAC over the keys (the certificate request's `ekeyhmac`,
 * google/exposure-notifications-verification-server): per key
 * `base64(TEK).rollingStartNumber.rollingPeriod[.TR]`, sorted by the base64 string, joined by ','.
 * HMAC-SHA256 under the device's random `hmacKey`; the variant without TR is valid only when every
 * TR is 0.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64, utf8 } from '../codec/index.ts'

export interface TekMacKey {
  /** Standard base64 of the 16 key bytes. */
  key: string
  rollingStartNumber: number
  rollingPeriod: number
  transmissionRisk?: number | undefined
}

export function tekmacCleartext(keys: readonly TekMacKey[], withTR = true): string {
  return keys
    .map((k) => ({
      sort: k.key,
      text: withTR
        ? `${k.key}.${k.rollingStartNumber}.${k.rollingPeriod}.${k.transmissionRisk ?? 0}`
        : `${k.key}.${k.rollingStartNumber}.${k.rollingPeriod}`,
    }))
    .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0))
    .map((x) => x.text)
    .join(',')
}

export function tekmac(hmacKey: Uint8Array, keys: readonly TekMacKey[], withTR = true): string {
  return toBase64(hmac(sha256, hmacKey, utf8(tekmacCleartext(keys, withTR))))
}

/** Constant-time over equal lengths. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return d === 0
}

/** Accepts the TR variant, or the no-TR variant when every TR is 0 (as ENS does). */
export function checkTekmac(hmacKey: Uint8Array, keys: readonly TekMacKey[], mac: string): boolean {
  const withTR = same(tekmac(hmacKey, keys, true), mac)
  const allZero = keys.every((k) => (k.transmissionRisk ?? 0) === 0)
  const without = allZero && same(tekmac(hmacKey, keys, false), mac)
  return withTR || without
}
