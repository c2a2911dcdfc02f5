/**
 * Test certificates for the DCC PKI (RFC 5280 §4.1), built here with a few DER encoders so
 * tests can make a CSCA, a DSC it signs, a DSC signed by someone else, or a DSC filed under the
 * wrong country, from keys generated in the test: ECDSA P-256 or P-384, RSASSA-PKCS1-v1_5 or
 * RSASSA-PSS (SHA-256, salt 32), as CSCAs of the DCC network use.
 */
import { concatBytes, toBase64 } from '../../src/core/codec/index.ts'

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n)
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}
export const tlv = (tag: number, ...content: Uint8Array[]) => {
  const body = concatBytes(...content)
  return concatBytes(Uint8Array.of(tag), len(body.length), body)
}
const seq = (...c: Uint8Array[]) => tlv(0x30, ...c)
const set = (...c: Uint8Array[]) => tlv(0x31, ...c)
function oid(text: string): Uint8Array {
  const [a, b, ...rest] = text.split('.').map(Number) as [number, number, ...number[]]
  const out = [a * 40 + b]
  for (const arc of rest) {
    const parts: number[] = [arc & 0x7f]
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      parts.unshift(0x80 | (v & 0x7f))
    out.push(...parts)
  }
  return tlv(0x06, Uint8Array.from(out))
}
function int(bytes: Uint8Array): Uint8Array {
  let b = bytes
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1)
  if (((b[0] as number) & 0x80) !== 0) b = concatBytes(Uint8Array.of(0), b)
  return tlv(0x02, b)
}
const utf8 = (s: string) => new TextEncoder().encode(s)
function time(seconds: number): Uint8Array {
  const iso = new Date(seconds * 1000).toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const t = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
  return tlv(0x17, utf8(t))
}
function name(country: string, cn: string): Uint8Array {
  return seq(
    set(seq(oid('2.5.4.6'), tlv(0x13, utf8(country)))),
    set(seq(oid('2.5.4.3'), tlv(0x0c, utf8(cn)))),
  )
}
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'))
const ECDSA_SHA384 = seq(oid('1.2.840.10045.4.3.3'))
const SHA256 = seq(oid('2.16.840.1.101.3.4.2.1'))
const RSA_PKCS1_SHA256 = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05))
/** RFC 4055 §3.1: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. */
const RSA_PSS_SHA256 = seq(
  oid('1.2.840.113549.1.1.10'),
  seq(
    tlv(0xa0, SHA256),
    tlv(0xa1, seq(oid('1.2.840.113549.1.1.8'), SHA256)),
    tlv(0xa2, int(Uint8Array.of(32))),
  ),
)

function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2
  return seq(int(raw.subarray(0, half)), int(raw.subarray(half)))
}

export type KeyAlg = 'P-256' | 'P-384' | 'RSA'

async function generate(alg: KeyAlg): Promise<CryptoKeyPair> {
  const params =
    alg === 'RSA'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: Uint8Array.of(1, 0, 1),
          hash: 'SHA-256',
        }
      : { name: 'ECDSA', namedCurve: alg }
  return (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair
}

/** The AlgorithmIdentifier an issuer key signs with (written in the TBS and after it). */
function algorithmOf(key: CryptoKey, rsa: 'pkcs1' | 'pss'): Uint8Array {
  if (key.algorithm.name !== 'ECDSA') return rsa === 'pkcs1' ? RSA_PKCS1_SHA256 : RSA_PSS_SHA256
  return (key.algorithm as EcKeyAlgorithm).namedCurve === 'P-384' ? ECDSA_SHA384 : ECDSA_SHA256
}

/** The issuer's signature over `tbs` with the algorithm its key and `rsa` choose. */
async function signTbs(
  key: CryptoKey,
  tbs: Uint8Array,
  rsa: 'pkcs1' | 'pss',
): Promise<{ algorithm: Uint8Array; signature: Uint8Array }> {
  const data = tbs as Uint8Array<ArrayBuffer>
  if (key.algorithm.name === 'ECDSA') {
    const p384 = (key.algorithm as EcKeyAlgorithm).namedCurve === 'P-384'
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: p384 ? 'SHA-384' : 'SHA-256' }, key, data),
    )
    return { algorithm: p384 ? ECDSA_SHA384 : ECDSA_SHA256, signature: rawToDer(raw) }
  }
  if (rsa === 'pkcs1') {
    const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, data))
    return { algorithm: RSA_PKCS1_SHA256, signature }
  }
  const pss = await crypto.subtle.importKey(
    'pkcs8',
    await crypto.subtle.exportKey('pkcs8', key),
    { name: 'RSA-PSS', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss, data),
  )
  return { algorithm: RSA_PSS_SHA256, signature }
}

export interface TestCert {
  readonly der: Uint8Array
  readonly b64: string
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly ski: Uint8Array
  readonly subject: { country: string; cn: string }
}

export interface CertOptions {
  readonly country: string
  readonly cn: string
  readonly notBefore: number
  readonly notAfter: number
  /** The signing certificate (absent: self-signed, a CSCA). */
  readonly issuer?: TestCert
  /** Sign with this key instead of the issuer's (a DSC its named CSCA did not sign). */
  readonly signWith?: CryptoKey
  readonly eku?: readonly string[]
  readonly keys?: CryptoKeyPair
  /** This certificate's own key (default P-256; CSCAs may be P-384 or RSA). */
  readonly keyAlg?: KeyAlg
  /** How an RSA issuer signs: RSASSA-PKCS1-v1_5 (default) or RSASSA-PSS. */
  readonly rsa?: 'pkcs1' | 'pss'
}

export async function makeCert(o: CertOptions): Promise<TestCert> {
  const keys = o.keys ?? (await generate(o.keyAlg ?? 'P-256'))
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const ski = new Uint8Array(await crypto.subtle.digest('SHA-1', spki)).subarray(0, 20)
  const exts: Uint8Array[] = [seq(oid('2.5.29.14'), tlv(0x04, tlv(0x04, ski)))]
  if (o.issuer !== undefined) {
    exts.push(seq(oid('2.5.29.35'), tlv(0x04, seq(tlv(0x80, o.issuer.ski)))))
  } else {
    exts.push(
      seq(
        oid('2.5.29.19'),
        tlv(0x01, Uint8Array.of(0xff)),
        tlv(0x04, seq(tlv(0x01, Uint8Array.of(0xff)))),
      ),
    )
  }
  if (o.eku !== undefined) exts.push(seq(oid('2.5.29.37'), tlv(0x04, seq(...o.eku.map(oid)))))
  const serial = crypto.getRandomValues(new Uint8Array(8))
  serial[0] = (serial[0] as number) & 0x7f
  const issuerName =
    o.issuer === undefined
      ? name(o.country, o.cn)
      : name(o.issuer.subject.country, o.issuer.subject.cn)
  const signer = o.signWith ?? o.issuer?.privateKey ?? keys.privateKey
  const algorithm = algorithmOf(signer, o.rsa ?? 'pkcs1')
  const tbs = seq(
    tlv(0xa0, int(Uint8Array.of(2))),
    int(serial),
    algorithm,
    issuerName,
    seq(time(o.notBefore), time(o.notAfter)),
    name(o.country, o.cn),
    spki,
    tlv(0xa3, seq(...exts)),
  )
  const signed = await signTbs(signer, tbs, o.rsa ?? 'pkcs1')
  const der = seq(tbs, signed.algorithm, tlv(0x03, Uint8Array.of(0), signed.signature))
  return {
    der,
    b64: toBase64(der),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    ski,
    subject: { country: o.country, cn: o.cn },
  }
}

/** The DCC kid of a certificate: base64 of SHA-256(DER)[0..8]. */
export async function kidOf(der: Uint8Array): Promise<string> {
  return toBase64(
    new Uint8Array(await crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)).subarray(
      0,
      8,
    ),
  )
}

export async function sha256Hex(der: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>))
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('')
}
