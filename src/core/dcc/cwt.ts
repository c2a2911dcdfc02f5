/**
 * @module core/dcc/cwt
 * The CWT claims of an HC1 payload (hcert spec §3.3.1, RFC 8392 §3): `1` iss (the issuing
 * country), `6` iat and `4` exp (NumericDate), and `−260` hcert, whose key `1` holds the EU DCC
 * payload and keys `3`, `4` and `−6` the WHO's DDCC core data sets and ICVP certificate
 * (core/dcc/who.ts), where present; at least one of them must be. Payloads come back as JSON
 * (text-keyed maps as objects), the form the schema and the vectors use.
 */
import { isJsonObject } from '../codec/index.ts'
import { decodeClaims, toJson } from './cbor.ts'
import { DccError } from './errors.ts'
import { WHO_HCERT_CLAIMS, type WhoHcert } from './who.ts'

const CLAIM_ISS = 1
const CLAIM_EXP = 4
const CLAIM_IAT = 6
const CLAIM_HCERT = -260
const HCERT_EU_DCC_V1 = 1

export interface DccClaims {
  /** ISO 3166-1 alpha-2 of the issuer (optional in the spec, present in practice). */
  readonly iss: string | undefined
  /** POSIX seconds. */
  readonly iat: number
  readonly exp: number
  /** The EU DCC payload (ver, nam, dob, v|t|r) as JSON; undefined for a WHO-only certificate. */
  readonly dcc: Record<string, unknown> | undefined
  /** The WHO claims (DDCC vaccination 3, DDCC test 4, ICVP −6) present, in that order. */
  readonly who: readonly WhoHcert[]
}

/** The EU DCC of claims that must carry one (tests, tools); throws DCC_CWT otherwise. */
export function euDccOf(claims: DccClaims): Record<string, unknown> {
  if (claims.dcc === undefined) throw bad('hcert has no EU DCC (key 1)', 'hcert')
  return claims.dcc
}

/** The WHO claims under hcert: each a JSON object, or a list of them (0..* in smart-trust). */
function whoClaims(hcert: Map<unknown, unknown>): WhoHcert[] {
  const out: WhoHcert[] = []
  for (const [key, kind] of Object.entries(WHO_HCERT_CLAIMS)) {
    const raw = hcert.get(Number(key))
    if (raw === undefined) continue
    const json = toJson(raw)
    const items = Array.isArray(json) ? json : [json]
    if (items.length === 0 || !items.every(isJsonObject)) {
      throw bad(`hcert key ${key} (${kind}) is not a JSON object`, 'hcert')
    }
    for (const payload of items) out.push({ kind, payload })
  }
  return out
}

function bad(message: string, field: string, cause?: unknown): DccError {
  return new DccError('DCC_CWT', message, { field, ...(cause === undefined ? {} : { cause }) })
}

/** A NumericDate (RFC 8392 §2): seconds, an integer or a float (floored). */
function numericDate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw bad(`${field} is not a NumericDate`, field)
  }
  return Math.floor(value)
}

/** Reads the (attacker-controlled) COSE payload as CWT claims; throws DCC_CWT. */
export function readDccClaims(payload: Uint8Array): DccClaims {
  let claims: unknown
  try {
    claims = decodeClaims(payload)
  } catch (cause) {
    throw bad('the payload is not CBOR', 'payload', cause)
  }
  if (!(claims instanceof Map)) throw bad('the payload is not a claims map', 'payload')
  const iss = claims.get(CLAIM_ISS)
  if (iss !== undefined && typeof iss !== 'string') throw bad('iss is not text', 'iss')
  const hcert = claims.get(CLAIM_HCERT)
  if (!(hcert instanceof Map)) throw bad('no hcert claim (−260)', 'hcert')
  const raw = hcert.get(HCERT_EU_DCC_V1)
  let dcc: Record<string, unknown> | undefined
  if (raw !== undefined) {
    const json = toJson(raw)
    if (!isJsonObject(json)) throw bad('hcert key 1 (EU DCC) is not a JSON object', 'hcert')
    dcc = json
  }
  const who = whoClaims(hcert)
  if (dcc === undefined && who.length === 0) {
    throw bad('hcert has no EU DCC (1), DDCC (3, 4) or ICVP (−6) claim', 'hcert')
  }
  return {
    iss,
    iat: numericDate(claims.get(CLAIM_IAT), 'iat'),
    exp: numericDate(claims.get(CLAIM_EXP), 'exp'),
    dcc,
    who,
  }
}
