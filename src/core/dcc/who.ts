/**
 * @module core/dcc/who
 * The WHO claims an HC1 code may carry beside (or instead of) the EU DCC, under hcert −260
 * (smart-trust `models/hcert.fsh`): `3` the DDCC vaccination core data set, `4` the DDCC test
 * result core data set (WorldHealthOrganization/ddcc `DDCCCoreDataSet.VS` / `.TR`: `name`,
 * `birthDate`, `vaccination` or `test`, `certificate`), and `−6` the minimal digital vaccination
 * certificate the ICVP uses (smart-icvp `ICVPMin`: `n`, `dob`, `vx` with `vp` from the ICVP
 * product catalogue, `dv` the date, `bo` the batch, `is` the issuer). They are read leniently,
 * as the EU schema is: the fields a verifier shows must be there and of the right JSON type;
 * codes are kept as the certificate states them. The signature, time and trust checks are the
 * same COSE/CWT ones as for the EU DCC.
 */
import { isJsonObject } from '../codec/index.ts'
import { DccError } from './errors.ts'

/** The hcert keys and what they hold. */
export const WHO_HCERT_CLAIMS = { 3: 'ddcc-vs', 4: 'ddcc-tr', [-6]: 'icvp' } as const
export type WhoHcertKind = (typeof WHO_HCERT_CLAIMS)[keyof typeof WHO_HCERT_CLAIMS]

/** One WHO claim as JSON (an array under the key gives one per element). */
export interface WhoHcert {
  readonly kind: WhoHcertKind
  readonly payload: Readonly<Record<string, unknown>>
}

/** What a verifier shows for one WHO claim. */
export interface WhoSummary {
  readonly kind: WhoHcertKind
  readonly name: string
  /** As stated (YYYY-MM-DD, or empty when the data set has none). */
  readonly birthDate: string
  /** Vaccine product (ICVP catalogue id, DDCC brand code) or test type code. */
  readonly product: string
  /** Date of vaccination or of sample collection. */
  readonly date: string
  /** ICVP: batch number; DDCC vaccination: lot. */
  readonly batch?: string
  /** DDCC: dose number. */
  readonly dose?: number
  /** DDCC test: result code. */
  readonly result?: string
  /** Country of the event (DDCC: ISO 3166-1 alpha-3 code). */
  readonly country?: string
  /** Certificate issuer (ICVP `is`, DDCC certificate.issuer identifier). */
  readonly issuer?: string
}

type Json = Readonly<Record<string, unknown>>

function bad(message: string, field: string): DccError {
  return new DccError('DCC_SCHEMA', `${field}: ${message}`, { field })
}

function text(obj: Json, key: string, field: string, optional = false): string | undefined {
  const v = obj[key]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string') throw bad('missing or not text', field)
  return v
}

/** A FHIR Coding (`{system, code, display?}`) or a bare code: its code. */
function code(obj: Json, key: string, field: string, optional = false): string | undefined {
  const v = obj[key]
  if (v === undefined && optional) return undefined
  if (typeof v === 'string') return v
  if (isJsonObject(v) && typeof v.code === 'string') return v.code
  throw bad('missing or not a code', field)
}

const opt = <K extends string>(key: K, value: string | number | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string | number>>

function ddccIssuer(p: Json): string | undefined {
  const cert = p.certificate
  if (!isJsonObject(cert)) return undefined
  const issuer = cert.issuer
  if (!isJsonObject(issuer)) return undefined
  const id = issuer.identifier
  if (isJsonObject(id) && typeof id.value === 'string') return id.value
  return typeof issuer.display === 'string' ? issuer.display : undefined
}

function ddcc(kind: 'ddcc-vs' | 'ddcc-tr', p: Json): WhoSummary {
  const name = text(p, 'name', 'name') as string
  const birthDate = text(p, 'birthDate', 'birthDate', true) ?? ''
  const key = kind === 'ddcc-vs' ? 'vaccination' : 'test'
  const e = p[key]
  if (!isJsonObject(e)) throw bad('missing or not an object', key)
  const issuer = ddccIssuer(p)
  if (kind === 'ddcc-vs') {
    const dose = e.dose
    if (!Number.isSafeInteger(dose) || (dose as number) < 1) {
      throw bad('missing or not a positive integer', 'vaccination.dose')
    }
    return {
      kind,
      name,
      birthDate,
      product: code(e, 'brand', 'vaccination.brand') as string,
      date: text(e, 'date', 'vaccination.date') as string,
      batch: text(e, 'lot', 'vaccination.lot') as string,
      dose: dose as number,
      ...(opt('country', code(e, 'country', 'vaccination.country')) as { country?: string }),
      ...(opt('issuer', issuer) as { issuer?: string }),
    }
  }
  return {
    kind,
    name,
    birthDate,
    product: code(e, 'type', 'test.type') as string,
    date: text(e, 'date', 'test.date') as string,
    ...(opt('result', code(e, 'result', 'test.result', true)) as { result?: string }),
    ...(opt('country', code(e, 'country', 'test.country')) as { country?: string }),
    ...(opt('issuer', issuer) as { issuer?: string }),
  }
}

/** ICVPMin: vaccine details under `vx` (an object; early drafts: a list `v`). */
function icvp(p: Json): WhoSummary {
  const name = text(p, 'n', 'n') as string
  const birthDate = text(p, 'dob', 'dob') as string
  // Early drafts put the one entry in a list `v` (now the template version).
  const early = p.vx === undefined && Array.isArray(p.v)
  const field = early ? 'v[0]' : 'vx'
  const details = early ? (p.v as unknown[]).length === 1 && (p.v as unknown[])[0] : p.vx
  if (!isJsonObject(details)) throw bad('missing or not one vaccine entry', field)
  const date = text(details, 'dv', `${field}.dv`, true) ?? text(details, 'dt', `${field}.dt`)
  const issuer = text(details, 'is', `${field}.is`, true)
  const clinician = text(details, 'cn', `${field}.cn`, true)
  // ICVPMin invariant must-have-issuer-or-clinician-name.
  if (issuer === undefined && clinician === undefined) {
    throw bad('needs an issuer (is) or a clinician name (cn)', field)
  }
  return {
    kind: 'icvp',
    name,
    birthDate,
    product: text(details, 'vp', `${field}.vp`) as string,
    date: date as string,
    batch: text(details, 'bo', `${field}.bo`) as string,
    ...(opt('issuer', issuer) as { issuer?: string }),
  }
}

/** Checks one WHO claim (attacker-controlled until the signature verified); throws DCC_SCHEMA. */
export function checkWhoHcert(h: WhoHcert): WhoSummary {
  return h.kind === 'icvp' ? icvp(h.payload) : ddcc(h.kind, h.payload)
}
