/**
 * @module core/dcc/cwt
 * The CWT claims of an HC1 payload (hcert spec §3.3.1, RFC 8392 §3): `1` iss (the issuing
 * country), `6` iat and `4` exp (NumericDate), and `−260` hcert, whose key `1` holds the EU DCC
 * payload. The payload comes back as JSON (text-keyed maps as objects), the form the schema and
 * the vectors use.
 */
import { decodeClaims, toJson } from './cbor.ts'
import { DccError } from './errors.ts'

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
  /** The EU DCC payload (ver, nam, dob, v|t|r) as JSON. */
  readonly dcc: Record<string, unknown>
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
  const dcc = toJson(hcert.get(HCERT_EU_DCC_V1))
  if (dcc === null || typeof dcc !== 'object' || Array.isArray(dcc)) {
    throw bad('hcert has no EU DCC (key 1) that is a JSON object', 'hcert')
  }
  return {
    iss,
    iat: numericDate(claims.get(CLAIM_IAT), 'iat'),
    exp: numericDate(claims.get(CLAIM_EXP), 'exp'),
    dcc: dcc as Record<string, unknown>,
  }
}
