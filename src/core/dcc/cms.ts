/**
 * @module core/dcc/cms
 * A small verifier for the CMS SignedData (RFC 5652 §5) the EU gateway keeps beside each trust
 * list entry: one signer over content of type id-data — a certificate's DER — that the message
 * carries (embedded) or not (detached, the gateway's form). Checked as RFC 5652 §5.4 and §5.6
 * say: the signer is one of the certificates the caller trusts for this entry (named by issuer
 * and serial number, or subject key identifier); with signed attributes, content-type is id-data
 * and message-digest is the content's digest, and the signature covers the DER SET of the
 * attributes; without them it covers the content. ECDSA, RSASSA-PKCS1-v1_5 and RSASSA-PSS
 * (certificate-signature.ts). The gateway's library (BouncyCastle) writes indefinite lengths,
 * so the envelope is read as BER; the signed attributes must arrive in DER, as signed.
 */
import { concatBytes, equalBytes } from '../codec/index.ts'
import type { CertificateParts } from './certificate.ts'
import { digestName, verifyWithKey } from './certificate-signature.ts'
import { oidText, type Tlv } from './der.ts'
import { DccListError } from './errors.ts'

const SIGNED_DATA = '1.2.840.113549.1.7.2'
const DATA = '1.2.840.113549.1.7.1'
const CONTENT_TYPE = '1.2.840.113549.1.9.3'
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4'
const MAX_DEPTH = 24

function bad(message: string): DccListError {
  return new DccListError('DCC_LIST_SIGNATURE', message, { field: 'signature' })
}

/** One BER element (X.690 §8.1): definite lengths, or indefinite ones on constructed types. */
function readBer(bytes: Uint8Array, offset: number, depth: number): { tlv: Tlv; next: number } {
  if (depth > MAX_DEPTH) throw bad('CMS nested too deeply')
  const tag = bytes[offset]
  const first = bytes[offset + 1]
  if (tag === undefined || first === undefined) throw bad('CMS truncated')
  if ((tag & 0x1f) === 0x1f) throw bad('CMS uses a multi-byte tag')
  let at = offset + 2
  if (first === 0x80) {
    if ((tag & 0x20) === 0) throw bad('CMS: indefinite length on a primitive element')
    const start = at
    for (;;) {
      if (bytes[at] === 0 && bytes[at + 1] === 0) {
        return {
          tlv: { tag, value: bytes.subarray(start, at), raw: bytes.subarray(offset, at + 2) },
          next: at + 2,
        }
      }
      at = readBer(bytes, at, depth + 1).next
    }
  }
  let len = first
  if (first & 0x80) {
    const count = first & 0x7f
    if (count > 4) throw bad('CMS length too large')
    len = 0
    for (let i = 0; i < count; i++) {
      const b = bytes[at++]
      if (b === undefined) throw bad('CMS truncated')
      len = len * 256 + b
    }
  }
  const end = at + len
  if (end > bytes.length) throw bad('CMS element longer than its container')
  return {
    tlv: { tag, value: bytes.subarray(at, end), raw: bytes.subarray(offset, end) },
    next: end,
  }
}

function items(value: Uint8Array, depth = 0): Tlv[] {
  const out: Tlv[] = []
  for (let at = 0; at < value.length; ) {
    const { tlv, next } = readBer(value, at, depth)
    out.push(tlv)
    at = next
  }
  return out
}

function need(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv?.tag !== tag) throw bad(`CMS: ${what} missing or malformed`)
  return tlv
}

/** An OCTET STRING's content; BER allows it in constructed pieces (X.690 §8.7.3). */
function octets(tlv: Tlv, depth = 0): Uint8Array {
  if (tlv.tag === 0x04) return tlv.value
  if (tlv.tag !== 0x24 || depth > MAX_DEPTH) throw bad('CMS: content is not an OCTET STRING')
  return concatBytes(...items(tlv.value).map((t) => octets(t, depth + 1)))
}

const oidOf = (tlv: Tlv | undefined, what: string) => oidText(need(tlv, 0x06, what).value)

/** RFC 5652 §5.3 SignerIdentifier: does it name `cert`? */
function names(sid: Tlv, cert: CertificateParts): boolean {
  if (sid.tag === 0x80) {
    return cert.subjectKeyId !== undefined && equalBytes(sid.value, cert.subjectKeyId)
  }
  if (sid.tag !== 0x30) return false
  const [issuer, serial] = items(sid.value)
  return (
    issuer?.tag === 0x30 &&
    serial?.tag === 0x02 &&
    equalBytes(issuer.raw, cert.issuer) &&
    equalBytes(serial.value, cert.serial)
  )
}

/** The single value of a signed attribute, or undefined when absent; refused if repeated. */
function attribute(attrs: Tlv[], type: string): Tlv | undefined {
  const found = attrs.filter((a) => oidOf(items(a.value)[0], 'attribute type') === type)
  if (found.length === 0) return undefined
  const [only] = found
  const values =
    found.length === 1 && only !== undefined
      ? items(need(items(only.value)[1], 0x31, 'attribute values').value)
      : []
  if (values.length !== 1) throw bad(`CMS: attribute ${type} must occur once with one value`)
  return values[0]
}

/**
 * Verifies `cms` (DER or BER ContentInfo of a SignedData) as a signature over `content` by one
 * of `signers`; returns the signer. Throws DCC_LIST_SIGNATURE with the reason otherwise.
 */
export async function verifySignedContent(
  cms: Uint8Array,
  content: Uint8Array,
  signers: readonly CertificateParts[],
): Promise<CertificateParts> {
  let parsed: {
    signerInfo: Tlv[]
    eContent: Uint8Array | undefined
  }
  try {
    const { tlv: info, next } = readBer(cms, 0, 0)
    if (next !== cms.length) throw bad('CMS: bytes after the ContentInfo')
    const [type, wrapped] = items(need(info, 0x30, 'ContentInfo').value)
    if (oidOf(type, 'content type') !== SIGNED_DATA) throw bad('CMS is not a SignedData')
    const [signedData] = items(need(wrapped, 0xa0, 'SignedData').value)
    const fields = items(need(signedData, 0x30, 'SignedData').value)
    const encap = items(need(fields[2], 0x30, 'encapContentInfo').value)
    if (oidOf(encap[0], 'eContentType') !== DATA) throw bad('CMS content type is not id-data')
    let eContent: Uint8Array | undefined
    if (encap[1] !== undefined) {
      const [inner] = items(need(encap[1], 0xa0, 'eContent').value)
      if (inner === undefined) throw bad('CMS: eContent empty')
      eContent = octets(inner)
    }
    const infos = items(need(fields[fields.length - 1], 0x31, 'signerInfos').value)
    if (infos.length !== 1) throw bad(`CMS has ${infos.length} signers, not one`)
    parsed = { signerInfo: items(need(infos[0], 0x30, 'SignerInfo').value), eContent }
  } catch (err) {
    if (err instanceof DccListError) throw err
    throw bad(`CMS malformed: ${err instanceof Error ? err.message : String(err)}`)
  }
  const { signerInfo, eContent } = parsed
  if (eContent !== undefined && !equalBytes(eContent, content)) {
    throw bad('the CMS signs other content than the entry')
  }
  try {
    const [, sid, digestAlg, ...rest] = signerInfo
    const signedAttrs = rest[0]?.tag === 0xa0 ? rest.shift() : undefined
    const [sigAlg, sigValue] = rest
    const digestOid = oidOf(items(need(digestAlg, 0x30, 'digestAlgorithm').value)[0], 'digest')
    const hash = digestName(digestOid)
    if (hash === undefined) throw bad(`CMS digest ${digestOid} is not supported`)
    const alg = items(need(sigAlg, 0x30, 'signatureAlgorithm').value)
    const algOid = oidOf(alg[0], 'signature algorithm')
    const signature = need(sigValue, 0x04, 'signature').value
    let signed = content
    if (signedAttrs !== undefined) {
      // §5.4: the signature covers the DER SET OF the attributes (tag [0] IMPLICIT → SET).
      if (signedAttrs.raw[1] === 0x80) throw bad('CMS signed attributes are not DER')
      const attrs = items(signedAttrs.value).map((a) => need(a, 0x30, 'attribute'))
      const type = attribute(attrs, CONTENT_TYPE)
      if (type === undefined || oidOf(type, 'content-type') !== DATA) {
        throw bad('CMS content-type attribute missing or not id-data')
      }
      const digest = attribute(attrs, MESSAGE_DIGEST)
      const actual = new Uint8Array(
        await crypto.subtle.digest(hash, content as Uint8Array<ArrayBuffer>),
      )
      if (digest?.tag !== 0x04 || !equalBytes(digest.value, actual)) {
        throw bad('the CMS message-digest is not the digest of the entry')
      }
      signed = concatBytes(Uint8Array.of(0x31), signedAttrs.raw.subarray(1))
    }
    if (sid === undefined) throw bad('CMS: signer identifier missing')
    const named = signers.filter((c) => names(sid, c))
    if (named.length === 0) throw bad('the CMS signer is not a certificate trusted for this entry')
    for (const cert of named) {
      if (await verifyWithKey(cert, algOid, alg[1], signature, signed, hash)) return cert
    }
    throw bad('the CMS signature does not verify')
  } catch (err) {
    if (err instanceof DccListError) throw err
    throw bad(`CMS malformed: ${err instanceof Error ? err.message : String(err)}`)
  }
}
