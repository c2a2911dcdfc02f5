/**
 * @module core/dcc/schema
 * The DCC payload checked as the EU apps do (eu-dcc-schema 1.0.0–1.3.x, leniently): required
 * fields present and of the right JSON type, exactly one of v/t/r holding exactly one entry
 * (hcert §3.3.2), transliterated names in ICAO 9303 characters. Not asserted, as in the EU
 * apps and the JSON Schema 2020-12 default: `format` (issuers put date-times in date fields,
 * dgca-app-core-android#31) and value sets (they change; business rules check them).
 */
import { isJsonObject } from '../codec/index.ts'
import { DccError } from './errors.ts'
import type { DccType } from './validity.ts'

export interface DccPayload {
  readonly ver: string
  readonly nam: { fn?: string; fnt?: string; gn?: string; gnt?: string }
  readonly dob: string
  readonly type: DccType
  /** The one entry of v, t or r. */
  readonly entry: Readonly<Record<string, unknown>>
}

type Json = Record<string, unknown>

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/
/** ICAO 9303 Part 3 §4.6 transliteration: capitals and the filler `<`, at most 80 (schema). */
const ICAO = /^[A-Z<]{0,80}$/

/** Required members per type and their JSON types (eu-dcc-schema DCC.Types / Core). */
const REQUIRED: Readonly<Record<DccType, Readonly<Record<string, 'string' | 'integer'>>>> = {
  v: {
    tg: 'string',
    vp: 'string',
    mp: 'string',
    ma: 'string',
    dn: 'integer',
    sd: 'integer',
    dt: 'string',
    co: 'string',
    is: 'string',
    ci: 'string',
  },
  t: {
    tg: 'string',
    tt: 'string',
    sc: 'string',
    tr: 'string',
    co: 'string',
    is: 'string',
    ci: 'string',
  },
  r: {
    tg: 'string',
    fr: 'string',
    co: 'string',
    is: 'string',
    df: 'string',
    du: 'string',
    ci: 'string',
  },
}
const OPTIONAL_TEXT: Readonly<Record<DccType, readonly string[]>> = {
  v: [],
  t: ['nm', 'ma', 'tc', 'dr'],
  r: [],
}

function bad(message: string, field: string): DccError {
  return new DccError('DCC_SCHEMA', `${field}: ${message}`, { field })
}

function text(obj: Json, key: string, field: string, optional = false): string | undefined {
  const v = obj[key]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string') throw bad('missing or not text', field)
  return v
}

/** Checks the payload (attacker-controlled until the signature verified); throws DCC_SCHEMA. */
export function checkDccSchema(dcc: Json): DccPayload {
  const ver = text(dcc, 'ver', 'ver') as string
  const m = VERSION.exec(ver)
  if (m === null || m[1] !== '1') throw bad(`unknown schema version ${ver}`, 'ver')
  const minor = Number(m[2]) * 1000 + Number(m[3])
  const nam = dcc.nam
  if (!isJsonObject(nam)) throw bad('missing or not an object', 'nam')
  for (const k of ['fn', 'gn']) text(nam, k, `nam.${k}`, true)
  const fnt = text(nam, 'fnt', 'nam.fnt', true)
  const gnt = text(nam, 'gnt', 'nam.gnt', true)
  for (const [k, v] of [
    ['fnt', fnt],
    ['gnt', gnt],
  ] as const) {
    if (v !== undefined && !ICAO.test(v)) throw bad('not ICAO 9303 transliterated', `nam.${k}`)
  }
  // Until 1.3.2 fnt is required; from 1.3.2 on, one of fnt and gnt.
  if (minor < 3002 ? fnt === undefined : fnt === undefined && gnt === undefined) {
    throw bad('no transliterated name', 'nam.fnt')
  }
  const dob = text(dcc, 'dob', 'dob') as string
  const types = (['v', 't', 'r'] as const).filter((t) => dcc[t] !== undefined)
  if (types.length !== 1) throw bad('must hold exactly one of v, t and r', types.join('+') || 'v')
  const type = types[0] as DccType
  const list = dcc[type]
  if (!Array.isArray(list) || list.length !== 1) throw bad('must be a list of one entry', type)
  const entry = list[0]
  if (!isJsonObject(entry)) throw bad('not an object', `${type}[0]`)
  for (const [key, kind] of Object.entries(REQUIRED[type])) {
    const field = `${type}[0].${key}`
    if (kind === 'string') text(entry, key, field)
    else if (!Number.isSafeInteger(entry[key]) || (entry[key] as number) < 1) {
      throw bad('missing or not a positive integer', field)
    }
  }
  for (const key of OPTIONAL_TEXT[type]) text(entry, key, `${type}[0].${key}`, true)
  return {
    ver,
    nam: {
      ...(typeof nam.fn === 'string' ? { fn: nam.fn } : {}),
      ...(fnt === undefined ? {} : { fnt }),
      ...(typeof nam.gn === 'string' ? { gn: nam.gn } : {}),
      ...(gnt === undefined ? {} : { gnt }),
    },
    dob,
    type,
    entry,
  }
}
