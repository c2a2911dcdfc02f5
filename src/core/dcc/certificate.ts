/**
 * @module core/dcc/certificate
 * What a trust-list loader needs from any certificate of the DCC PKI (a CSCA or a DSC,
 * RFC 5280 §4.1): the signed bytes (tbsCertificate as received), the signature algorithm and
 * value, the subject and issuer names as DER (compared byte for byte), the subject key
 * identifier and authority key identifier (§4.2.1.1–2), validity and the public key. Built on
 * the same small DER reader as x509.ts; a CSCA may use P-384 or RSA, which a DSC reader refuses.
 */
import { children, oidText, readTlv, type Tlv } from './der.ts'
import { DccError, DccListError } from './errors.ts'
import { readValidity, subjectCountry } from './x509.ts'

export interface CertificateParts {
  /** The tbsCertificate element as received (the bytes the issuer signed). */
  readonly tbs: Uint8Array
  /** signatureAlgorithm OID and its parameters element (RSASSA-PSS carries hash and salt). */
  readonly signatureAlgorithm: string
  readonly signatureParams: Tlv | undefined
  /** The signature BIT STRING's bits (DER ECDSA-Sig-Value for ECDSA). */
  readonly signature: Uint8Array
  /** The serialNumber INTEGER's content octets (a CMS signer names its certificate by it). */
  readonly serial: Uint8Array
  readonly issuer: Uint8Array
  readonly subject: Uint8Array
  readonly country: string | undefined
  readonly notBefore: number
  readonly notAfter: number
  /** DER SubjectPublicKeyInfo, its algorithm OID and (EC) curve OID. */
  readonly spki: Uint8Array
  readonly keyAlgorithm: string
  readonly curve: string | undefined
  readonly subjectKeyId: Uint8Array | undefined
  readonly authorityKeyId: Uint8Array | undefined
}

const SEQUENCE = 0x30
const OID = 0x06
const BIT_STRING = 0x03
const OCTET_STRING = 0x04
const EXPLICIT_0 = 0xa0
const EXPLICIT_3 = 0xa3
const IMPLICIT_0 = 0x80
const SUBJECT_KEY_ID = '2.5.29.14'
const AUTHORITY_KEY_ID = '2.5.29.35'

function bad(message: string): DccListError {
  return new DccListError('DCC_LIST_FORMAT', `certificate: ${message}`, { field: 'certificate' })
}

function need(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv?.tag !== tag) throw bad(`${what} missing or malformed`)
  return tlv
}

function extensionValues(extensions: Tlv | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  if (extensions === undefined) return out
  const list = need(children(extensions.value)[0], SEQUENCE, 'extensions')
  for (const ext of children(list.value)) {
    const parts = children(ext.value)
    const id = oidText(need(parts[0], OID, 'extension id').value)
    out.set(id, need(parts[parts.length - 1], OCTET_STRING, 'extension value').value)
  }
  return out
}

function keyIds(extensions: Tlv | undefined): {
  ski: Uint8Array | undefined
  aki: Uint8Array | undefined
} {
  const values = extensionValues(extensions)
  const skiValue = values.get(SUBJECT_KEY_ID)
  const akiValue = values.get(AUTHORITY_KEY_ID)
  const ski =
    skiValue === undefined
      ? undefined
      : need(readTlv(skiValue, 0).tlv, OCTET_STRING, 'subjectKeyIdentifier').value
  let aki: Uint8Array | undefined
  if (akiValue !== undefined) {
    const seq = need(readTlv(akiValue, 0).tlv, SEQUENCE, 'authorityKeyIdentifier')
    aki = children(seq.value).find((c) => c.tag === IMPLICIT_0)?.value
  }
  return { ski, aki }
}

/** Splits a DER certificate into the parts a chain check uses (attacker-controlled input). */
export function readCertificate(der: Uint8Array): CertificateParts {
  let cert: Tlv
  try {
    const read = readTlv(der, 0)
    if (read.next !== der.length) throw bad('trailing bytes after the certificate')
    cert = read.tlv
  } catch (err) {
    if (err instanceof DccListError) throw err
    throw bad(err instanceof Error ? err.message : 'not DER')
  }
  try {
    const [tbs, algorithm, signature] = children(need(cert, SEQUENCE, 'certificate').value)
    const tbsTlv = need(tbs, SEQUENCE, 'tbsCertificate')
    const alg = children(need(algorithm, SEQUENCE, 'signatureAlgorithm').value)
    const bits = need(signature, BIT_STRING, 'signatureValue').value
    if (bits[0] !== 0) throw bad('signature with unused bits')
    const fields = children(tbsTlv.value)
    const base = fields[0]?.tag === EXPLICIT_0 ? 1 : 0
    const serial = need(fields[base], 0x02, 'serialNumber')
    const issuer = need(fields[base + 2], SEQUENCE, 'issuer')
    const validity = readValidity(need(fields[base + 3], SEQUENCE, 'validity'))
    const subject = need(fields[base + 4], SEQUENCE, 'subject')
    const spki = need(fields[base + 5], SEQUENCE, 'subjectPublicKeyInfo')
    const keyAlg = children(need(children(spki.value)[0], SEQUENCE, 'key algorithm').value)
    const curve = keyAlg[1]?.tag === OID ? oidText(keyAlg[1].value) : undefined
    const { ski, aki } = keyIds(fields.slice(base + 6).find((f) => f.tag === EXPLICIT_3))
    return {
      tbs: tbsTlv.raw,
      signatureAlgorithm: oidText(need(alg[0], OID, 'signature algorithm').value),
      signatureParams: alg[1],
      signature: bits.subarray(1),
      serial: serial.value,
      issuer: issuer.raw,
      subject: subject.raw,
      country: subjectCountry(subject),
      ...validity,
      spki: spki.raw,
      keyAlgorithm: oidText(need(keyAlg[0], OID, 'key algorithm').value),
      curve,
      subjectKeyId: ski,
      authorityKeyId: aki,
    }
  } catch (err) {
    if (err instanceof DccError) throw bad(err.message)
    throw err
  }
}
