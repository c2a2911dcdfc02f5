/**
 * @module core/gaen/signature
 * export.sig signatures: ECDSA P-256 over SHA-256 of the whole export.bin, DER-encoded (X9.62
 * SEQUENCE { r, s }). WebCrypto speaks IEEE P1363 (r ‖ s), so this converts both ways.
 */
import { fromBase64 } from '../codec/index.ts'
import { GaenError } from './crypto.ts'

function derInt(x: Uint8Array): Uint8Array {
  let i = 0
  while (i < x.length - 1 && x[i] === 0) i++
  const v = x.subarray(i)
  const pad = (v[0] as number) & 0x80 ? 1 : 0
  const out = new Uint8Array(2 + pad + v.length)
  out[0] = 0x02
  out[1] = pad + v.length
  out.set(v, 2 + pad)
  return out
}

/** P1363 (64 bytes) → DER. */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  if (sig.length !== 64) throw new GaenError('GAEN_SIGNATURE', 'expected a 64-byte signature')
  const r = derInt(sig.subarray(0, 32))
  const s = derInt(sig.subarray(32))
  const out = new Uint8Array(2 + r.length + s.length)
  out[0] = 0x30
  out[1] = r.length + s.length
  out.set(r, 2)
  out.set(s, 2 + r.length)
  return out
}

/** DER → P1363 (64 bytes); malformed input is GAEN_SIGNATURE. */
export function derToP1363(der: Uint8Array): Uint8Array {
  const bad = () => new GaenError('GAEN_SIGNATURE', 'malformed DER ECDSA signature')
  if (der[0] !== 0x30 || der[1] !== der.length - 2) throw bad()
  const out = new Uint8Array(64)
  let at = 2
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) throw bad()
    const len = der[at + 1] as number
    let v = der.subarray(at + 2, at + 2 + len)
    if (v.length !== len || len === 0) throw bad()
    while (v.length > 32 && v[0] === 0) v = v.subarray(1)
    if (v.length > 32) throw bad()
    out.set(v, part * 32 + 32 - v.length)
    at += 2 + len
  }
  if (at !== der.length) throw bad()
  return out
}

export async function signExportBin(privateKey: CryptoKey, bin: Uint8Array): Promise<Uint8Array> {
  const raw = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    bin as Uint8Array<ArrayBuffer>,
  )
  return p1363ToDer(new Uint8Array(raw))
}

export async function verifyExportBin(
  publicKey: CryptoKey,
  bin: Uint8Array,
  der: Uint8Array,
): Promise<boolean> {
  let raw: Uint8Array
  try {
    raw = derToP1363(der)
  } catch {
    return false
  }
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    publicKey,
    raw as Uint8Array<ArrayBuffer>,
    bin as Uint8Array<ArrayBuffer>,
  )
}

/** Imports a PEM "PUBLIC KEY" (SPKI) P-256 key for verification. */
export function importSpkiPem(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '')
  return crypto.subtle.importKey(
    'spki',
    fromBase64(body) as Uint8Array<ArrayBuffer>,
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  )
}

/** SPKI DER → PEM text. */
export function spkiToPem(spki: Uint8Array): string {
  let bin = ''
  for (const b of spki) bin += String.fromCharCode(b)
  const b64 = btoa(bin)
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END PUBLIC KEY-----\n`
}
