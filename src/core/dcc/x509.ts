/**
 * @module core/dcc/x509
 * What a verifier needs from a DCC signer certificate (DSC, RFC 5280 §4.1): its public key
 * (SubjectPublicKeyInfo, for WebCrypto), validity, subject country and extended key usage. A
 * hand-written reader (der.ts) rather than a library: these four fields are all a DSC is read
 * for, it stays small, and it runs unchanged in browsers. The certificate's own signature (by
 * its CSCA) is the trust-list loader's business, not this reader's.
 */
import { children, oidText, readTlv, type Tlv } from './der.ts'
import { DccError } from './errors.ts'

export interface DscInfo {
  readonly spki: Uint8Array
  readonly keyType: 'EC' | 'RSA'
  /** POSIX seconds. */
  readonly notBefore: number
  readonly notAfter: number
  /** Subject countryName (2.5.4.6), when present. */
  readonly country: string | undefined
  /** Extended key usage OIDs (2.5.29.37); undefined when the extension is absent. */
  readonly eku: readonly string[] | undefined
}

const SEQUENCE = 0x30
const OID = 0x06
const UTC_TIME = 0x17
const GENERALIZED_TIME = 0x18
const EXPLICIT_0 = 0xa0
const EXPLICIT_3 = 0xa3
const EC_PUBLIC_KEY = '1.2.840.10045.2.1'
const P256 = '1.2.840.10045.3.1.7'
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1'
const COUNTRY_NAME = '2.5.4.6'
const EXT_KEY_USAGE = '2.5.29.37'

function bad(message: string): DccError {
  return new DccError('DCC_TRUST', `signer certificate: ${message}`, { field: 'dsc' })
}

function need(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv?.tag !== tag) throw bad(`${what} missing or malformed`)
  return tlv
}

/** RFC 5280 §4.1.2.5.1–2: YYMMDDHHMMSSZ (50–99 → 19xx) or YYYYMMDDHHMMSSZ, in UTC. */
function readTime(tlv: Tlv | undefined): number {
  const text = new TextDecoder().decode(tlv?.value ?? new Uint8Array(0))
  const m =
    tlv?.tag === UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv?.tag === GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null
  if (m === null) throw bad('validity time malformed')
  let year = Number(m[1])
  if (tlv?.tag === UTC_TIME) year += year >= 50 ? 1900 : 2000
  const [mo, d, h, mi, s] = m.slice(2).map(Number) as [number, number, number, number, number]
  return Date.UTC(year, mo - 1, d, h, mi, s) / 1000
}

/** The subject's countryName (2.5.4.6), when present. */
export function subjectCountry(name: Tlv): string | undefined {
  for (const rdn of children(name.value)) {
    for (const atv of children(rdn.value)) {
      const [type, value] = children(atv.value)
      if (type?.tag === OID && oidText(type.value) === COUNTRY_NAME && value !== undefined) {
        return new TextDecoder().decode(value.value)
      }
    }
  }
  return undefined
}

/** RFC 5280 §4.1.2.5: the Validity SEQUENCE as POSIX seconds. */
export function readValidity(validity: Tlv): { notBefore: number; notAfter: number } {
  const [from, until] = children(validity.value)
  return { notBefore: readTime(from), notAfter: readTime(until) }
}

function extendedKeyUsage(extensions: Tlv | undefined): string[] | undefined {
  if (extensions === undefined) return undefined
  const list = need(children(extensions.value)[0], SEQUENCE, 'extensions')
  for (const ext of children(list.value)) {
    const parts = children(ext.value)
    const id = need(parts[0], OID, 'extension id')
    if (oidText(id.value) !== EXT_KEY_USAGE) continue
    // extnValue is the last element (an optional BOOLEAN `critical` may come before it).
    const octets = parts[parts.length - 1]
    if (octets?.tag !== 0x04) throw bad('extKeyUsage value malformed')
    const seq = need(readTlv(octets.value, 0).tlv, SEQUENCE, 'extKeyUsage')
    return children(seq.value).map((o) => oidText(need(o, OID, 'key purpose').value))
  }
  return undefined
}

/** Reads a DER X.509 certificate (attacker-controlled until its loader checked it). */
export function readDsc(der: Uint8Array): DscInfo {
  const { tlv: cert, next } = readTlv(der, 0)
  if (cert.tag !== SEQUENCE || next !== der.length) throw bad('not one DER SEQUENCE')
  const tbs = need(children(cert.value)[0], SEQUENCE, 'tbsCertificate')
  const fields = children(tbs.value)
  // RFC 5280 §4.1: [0] version is optional; serial, signature, issuer, validity, subject, spki.
  const base = fields[0]?.tag === EXPLICIT_0 ? 1 : 0
  const validity = readValidity(need(fields[base + 3], SEQUENCE, 'validity'))
  const subject = need(fields[base + 4], SEQUENCE, 'subject')
  const spki = need(fields[base + 5], SEQUENCE, 'subjectPublicKeyInfo')
  const algorithm = children(need(children(spki.value)[0], SEQUENCE, 'key algorithm').value)
  const keyOid = oidText(need(algorithm[0], OID, 'key algorithm').value)
  let keyType: DscInfo['keyType']
  if (keyOid === EC_PUBLIC_KEY) {
    const curve = algorithm[1]
    if (curve?.tag !== OID || oidText(curve.value) !== P256) throw bad('EC key not on P-256')
    keyType = 'EC'
  } else if (keyOid === RSA_ENCRYPTION) {
    keyType = 'RSA'
  } else {
    throw bad(`unsupported key algorithm ${keyOid}`)
  }
  return {
    spki: spki.raw,
    keyType,
    ...validity,
    country: subjectCountry(subject),
    eku: extendedKeyUsage(fields.slice(base + 6).find((f) => f.tag === EXPLICIT_3)),
  }
}
