/**
 * @module core/verify/dcc-trust-document
 * The EU DCC / GDHCN trust data a deployment serves to its verifiers (`/trust/dcc`): the signers
 * of every imported DSC list and the revocation hash lists, each with where it came from, the
 * SHA-256 of the exact bytes imported and the ledger index of the `trust-list` entry committing
 * to them, when it was fetched and how old it may get. One JSON document (`vigil-dcc-trust/v1`)
 * as a compact JWS signed EdDSA with the log's key, like the trust material, but apart from
 * it: DSC and revocation lists run to hundreds of kilobytes and change only on import, while
 * the trust material is fetched every minute.
 */
import { CompactSign, compactVerify } from 'jose'
import { fromBase64, fromUtf8, isJsonObject, utf8 } from '../codec/index.ts'
import {
  DCC_HASH_TYPES,
  type DccRevocationList,
  type DccSigner,
  type DccTrust,
  dccTrust,
} from '../dcc/index.ts'
import { VerifyError } from './errors.ts'
import { importVkey, keyRef } from './trust-material.ts'

export const DCC_TRUST_FORMAT = 'vigil-dcc-trust/v1'
export const DCC_TRUST_TYP = 'vigil-dcc-trust+json'
const MAX_LENGTH = 64 * 1024 * 1024

/** A signer as the document carries it (the SPKI base64). */
export interface DccSignerJson {
  readonly kid: string
  readonly country: string | null
  readonly keyType: 'EC' | 'RSA'
  readonly spki: string
  readonly notBefore: number | null
  readonly notAfter: number | null
  readonly eku: readonly string[] | null
}

/** One imported list: where from, which snapshot, its ledger entry and its age. */
export interface DccListInfo {
  readonly name: string
  readonly format: string
  readonly source: string
  readonly version: number
  /** Hex SHA-256 of the exact bytes imported: the artefact of the `trust-list` entry. */
  readonly sha256: string
  /** Ledger index of that entry; null while it waits to be integrated. */
  readonly leafIndex: number | null
  /** The entry's time (POSIX seconds, a whole hour). */
  readonly entryTime: number
  /** POSIX seconds: when the list was last fetched (its age counts from here). */
  readonly asOf: number
  /** Seconds: verifiers rely on the list up to this age. */
  readonly maxAge: number
}

export interface DccTrustDocument {
  readonly format: typeof DCC_TRUST_FORMAT
  readonly log: { readonly origin: string; readonly vkey: string }
  readonly issuedAt: number
  readonly lists: readonly (DccListInfo & { readonly signers: readonly DccSignerJson[] })[]
  readonly revocations: readonly (DccListInfo & { readonly revoked: DccRevocationList })[]
}

export interface OpenedDccTrust extends DccTrustDocument {
  /** Every list's signers, by kid; asOf is the oldest list's. */
  readonly trust: DccTrust
  readonly revoked: DccRevocationList
  /** The smallest maxAge of the lists (seconds), undefined when none is loaded. */
  readonly maxAge: number | undefined
  /** Which list a kid came from (the first that has it). */
  readonly listOf: (kid: string) => DccListInfo | undefined
  readonly jws: string
}

function bad(message: string, field?: string): VerifyError {
  return new VerifyError('VERIFY_TRUST_FORMAT', `DCC trust: ${message}`, { field })
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)

function checkInfo(v: unknown, field: string): DccListInfo {
  if (!isJsonObject(v)) throw bad('a list must be an object', field)
  const { name, format, source, version, sha256, leafIndex, entryTime, asOf, maxAge } = v
  if (typeof name !== 'string' || typeof format !== 'string' || typeof source !== 'string') {
    throw bad('name, format and source must be text', field)
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw bad('sha256', field)
  if (!isInt(version) || !isInt(entryTime) || !isInt(asOf) || !isInt(maxAge)) {
    throw bad('version, entryTime, asOf and maxAge must be integers', field)
  }
  if (leafIndex !== null && !isInt(leafIndex)) throw bad('leafIndex', field)
  return { name, format, source, version, sha256, leafIndex, entryTime, asOf, maxAge }
}

function checkSigner(v: unknown, field: string): DccSignerJson {
  if (!isJsonObject(v)) throw bad('a signer must be an object', field)
  const { kid, country, keyType, spki, notBefore, notAfter, eku } = v
  if (typeof kid !== 'string' || typeof spki !== 'string') throw bad('kid and spki', field)
  if (keyType !== 'EC' && keyType !== 'RSA') throw bad('keyType', field)
  if (country !== null && typeof country !== 'string') throw bad('country', field)
  if ((notBefore !== null && !isInt(notBefore)) || (notAfter !== null && !isInt(notAfter))) {
    throw bad('validity', field)
  }
  if (eku !== null && !(Array.isArray(eku) && eku.every((o) => typeof o === 'string'))) {
    throw bad('eku', field)
  }
  return { kid, country, keyType, spki, notBefore, notAfter, eku }
}

function checkRevoked(v: unknown, field: string): DccRevocationList {
  if (!isJsonObject(v)) throw bad('revoked must be an object', field)
  for (const [kid, types] of Object.entries(v)) {
    if (!isJsonObject(types)) throw bad(`revoked[${kid}]`, field)
    for (const [t, hashes] of Object.entries(types)) {
      if (!(DCC_HASH_TYPES as readonly string[]).includes(t)) throw bad(`hash type ${t}`, field)
      if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string')) {
        throw bad(`revoked[${kid}][${t}]`, field)
      }
    }
  }
  return v as DccRevocationList
}

export function checkDccTrustDocument(v: unknown): DccTrustDocument {
  if (!isJsonObject(v) || v.format !== DCC_TRUST_FORMAT)
    throw bad(`format must be ${DCC_TRUST_FORMAT}`)
  const { log, issuedAt, lists, revocations } = v
  if (!isJsonObject(log) || typeof log.origin !== 'string' || typeof log.vkey !== 'string') {
    throw bad('log must name origin and vkey', 'log')
  }
  if (!isInt(issuedAt)) throw bad('issuedAt', 'issuedAt')
  if (!Array.isArray(lists) || !Array.isArray(revocations)) throw bad('lists and revocations')
  return {
    format: DCC_TRUST_FORMAT,
    log: { origin: log.origin, vkey: log.vkey },
    issuedAt,
    lists: lists.map((l, i) => {
      const signers = isJsonObject(l) && Array.isArray(l.signers) ? l.signers : undefined
      if (signers === undefined) throw bad('signers', `lists[${i}]`)
      return {
        ...checkInfo(l, `lists[${i}]`),
        signers: signers.map((s, j) => checkSigner(s, `lists[${i}].signers[${j}]`)),
      }
    }),
    revocations: revocations.map((r, i) => ({
      ...checkInfo(r, `revocations[${i}]`),
      revoked: checkRevoked(isJsonObject(r) ? r.revoked : undefined, `revocations[${i}]`),
    })),
  }
}

export async function signDccTrust(doc: DccTrustDocument, privateKey: CryptoKey): Promise<string> {
  const checked = checkDccTrustDocument(doc)
  return new CompactSign(utf8(JSON.stringify(checked)))
    .setProtectedHeader({ alg: 'EdDSA', typ: DCC_TRUST_TYP, kid: keyRef(checked.log.vkey) })
    .sign(privateKey)
}

function toSigner(s: DccSignerJson): DccSigner {
  return {
    kid: s.kid,
    country: s.country ?? undefined,
    keyType: s.keyType,
    spki: fromBase64(s.spki),
    notBefore: s.notBefore ?? undefined,
    notAfter: s.notAfter ?? undefined,
    eku: s.eku ?? undefined,
  }
}

/** Merges revocation lists: kid → hash type → every list's hashes. */
function mergeRevoked(lists: readonly DccRevocationList[]): DccRevocationList {
  const out: Record<string, Record<string, string[]>> = {}
  for (const list of lists) {
    for (const [kid, types] of Object.entries(list)) {
      const byType = out[kid] ?? {}
      out[kid] = byType
      for (const [t, hashes] of Object.entries(types)) {
        byType[t] = [...(byType[t] ?? []), ...(hashes ?? [])]
      }
    }
  }
  return out
}

/** Opens the parts of a checked document a verifier uses. */
export function openedDccTrust(doc: DccTrustDocument, jws: string): OpenedDccTrust {
  const all = [...doc.lists, ...doc.revocations]
  const asOf = all.length === 0 ? undefined : Math.min(...all.map((l) => l.asOf))
  const maxAge = all.length === 0 ? undefined : Math.min(...all.map((l) => l.maxAge))
  const byKid = new Map<string, DccListInfo>()
  for (const l of doc.lists) for (const s of l.signers) if (!byKid.has(s.kid)) byKid.set(s.kid, l)
  return {
    ...doc,
    trust: dccTrust(
      doc.lists.flatMap((l) => l.signers.map(toSigner)),
      asOf,
    ),
    revoked: mergeRevoked(doc.revocations.map((r) => r.revoked)),
    maxAge,
    listOf: (kid) => byKid.get(kid),
    jws,
  }
}

/** Verifies the document with the pinned log key and checks it (VerifyError otherwise). */
export async function openDccTrust(jws: string, vkey: string): Promise<OpenedDccTrust> {
  if (typeof jws !== 'string' || jws.length > MAX_LENGTH) {
    throw new VerifyError('VERIFY_TRUST_SIGNATURE', 'DCC trust data is not a compact JWS')
  }
  const key = await importVkey(vkey)
  let verified: Awaited<ReturnType<typeof compactVerify>>
  try {
    verified = await compactVerify(jws.trim(), key, { algorithms: ['EdDSA'] })
  } catch (cause) {
    throw new VerifyError(
      'VERIFY_TRUST_SIGNATURE',
      'DCC trust data does not verify with the log key',
      {
        cause,
      },
    )
  }
  if (
    verified.protectedHeader.typ !== DCC_TRUST_TYP ||
    verified.protectedHeader.kid !== keyRef(vkey)
  ) {
    throw bad('unexpected typ or kid in the header', 'header')
  }
  let json: unknown
  try {
    json = JSON.parse(fromUtf8(verified.payload))
  } catch {
    throw bad('the payload is not UTF-8 JSON')
  }
  const doc = checkDccTrustDocument(json)
  if (doc.log.vkey !== vkey) {
    throw new VerifyError('VERIFY_TRUST_KEY_MISMATCH', 'DCC trust data names another log key', {
      field: 'log.vkey',
    })
  }
  return openedDccTrust(doc, jws.trim())
}
