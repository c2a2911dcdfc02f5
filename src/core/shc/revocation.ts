/**
 * @module core/shc/revocation
 * Revocation (SHC 1.4 §Revocation; smart-on-fhir/health-cards FAQ/revocation.md). A card may carry
 * `vc.rid`; its issuer publishes one CRL per key at `<iss>/.well-known/crl/<kid>.json`: `{kid,
 * method:"rid", ctr, rids:["<rid>" | "<rid>.<timestamp>"]}`. `ctr` must equal the JWK's
 * `crlVersion`. An entry with a timestamp revokes only cards whose `nbf` is before it. The CRL is
 * untrusted input: size, alphabet, duplicates and counters are checked (fail closed).
 */
import { hmacSha256Sync, isJsonObject, toBase64Url, utf8 } from '../codec/index.ts'
import { ShcError } from './errors.ts'
import { parseCounter, parseJsonObject } from './json.ts'
import { CRL_METHOD, MAX_CRL_LENGTH, MAX_CRL_RIDS, MAX_RID_LENGTH } from './limits.ts'

const CRL_ENTRY = new RegExp(`^([A-Za-z0-9_-]{1,${MAX_RID_LENGTH}})(?:\\.([0-9]{1,12}))?$`)
const RID_BYTES = 8

export interface ShcCrl {
  readonly kid: string
  readonly ctr: number
  /** rid → cut-off NumericDate (revokes cards with nbf before it), or null for "all". */
  readonly rids: ReadonlyMap<string, number | null>
}

export interface RevocationStatus {
  readonly revoked: boolean
  /** The CRL entry that revokes the card. */
  readonly entry?: string
}

/**
 * rid = base64url(first 64 bits of HMAC-SHA-256(key = secret ‖ kid, msg = subjectId)), 11
 * characters (§Revocation: "a keyed hash of an internal user id"). The secret and the kid are
 * concatenated as text, as the reference generator does (all six published rids reproduce).
 * Keying by kid makes rids unlinkable across key rotations.
 */
export function computeRid(kid: string, subjectId: string, secret: string): string {
  if (kid === '' || subjectId === '' || secret === '') {
    throw new ShcError('SHC_RID_INPUT', 'kid, subject and secret must be non-empty')
  }
  const mac = hmacSha256Sync(utf8(secret + kid), utf8(subjectId))
  return toBase64Url(mac.subarray(0, RID_BYTES))
}

function invalid(message: string, field: string): ShcError {
  return new ShcError('SHC_CRL_INVALID', message, { field })
}

/** Parses and checks a CRL (parsed JSON or JSON text) for the key `kid` at `crlVersion`. */
export function parseCrl(input: unknown, expected: { kid: string; crlVersion: number }): ShcCrl {
  const crl =
    typeof input === 'string'
      ? parseJsonObject(input, MAX_CRL_LENGTH, 'SHC_CRL_INVALID', 'crl')
      : input
  if (!isJsonObject(crl)) throw invalid('CRL is not an object', 'crl')
  if (crl.kid !== expected.kid) throw invalid('CRL kid differs from the key', 'crl.kid')
  if (crl.method !== CRL_METHOD) throw invalid('CRL method must be rid', 'crl.method')
  const ctr = parseCounter(crl.ctr)
  if (ctr === undefined || ctr !== expected.crlVersion) {
    throw invalid('CRL ctr differs from the key crlVersion', 'crl.ctr')
  }
  if (!Array.isArray(crl.rids) || crl.rids.length > MAX_CRL_RIDS) {
    throw invalid('CRL rids must be a list', 'crl.rids')
  }
  const rids = new Map<string, number | null>()
  crl.rids.forEach((entry, i) => {
    const match = typeof entry === 'string' ? CRL_ENTRY.exec(entry) : null
    const rid = match?.[1]
    if (match === null || rid === undefined) {
      throw invalid('CRL entry is not rid[.timestamp]', `crl.rids[${i}]`)
    }
    if (rids.has(rid)) throw invalid('CRL lists a rid twice', `crl.rids[${i}]`)
    rids.set(rid, match[2] === undefined ? null : Number(match[2]))
  })
  return { kid: expected.kid, ctr, rids }
}

/** A card with a listed rid is revoked, unless the entry's timestamp is not after its nbf. */
export function checkRevocation(
  card: { readonly rid?: string | undefined; readonly nbf: number },
  crl: ShcCrl,
): RevocationStatus {
  if (card.rid === undefined || !crl.rids.has(card.rid)) return { revoked: false }
  const cutoff = crl.rids.get(card.rid)
  if (cutoff === null || cutoff === undefined) return { revoked: true, entry: card.rid }
  return card.nbf < cutoff ? { revoked: true, entry: `${card.rid}.${cutoff}` } : { revoked: false }
}
