/**
 * @module core/dcc/summary
 * What a verifier shows for a verified DCC: the holder's names (as printed and transliterated),
 * birth date and the one vaccination, test or recovery entry, with the codes as the
 * certificate states them (eu-dcc-valuesets codes; the page names them).
 */
import type { DccPayload } from './schema.ts'
import type { DccType } from './validity.ts'

export interface DccSummary {
  /** Given name(s) then family name(s), as printed; transliterated when none is printed. */
  readonly name: string
  /** ICAO 9303 transliteration: given then family, `<` kept as in the certificate. */
  readonly transliterated: string
  /** YYYY, YYYY-MM, YYYY-MM-DD or empty (eu-dcc-schema 1.3: partial dates allowed). */
  readonly birthDate: string
  readonly type: DccType
  /** Schema version (`ver`). */
  readonly version: string
  /** Country of vaccination, test or recovery (`co`). */
  readonly country: string
  /** Certificate issuer (`is`). */
  readonly issuer: string
  /** Unique certificate identifier (`ci`). */
  readonly uci: string
  readonly vaccination?: {
    readonly disease: string
    readonly vaccine: string
    readonly product: string
    readonly manufacturer: string
    readonly dose: number
    readonly doses: number
    readonly date: string
  }
  readonly test?: {
    readonly disease: string
    readonly testType: string
    readonly name?: string
    readonly device?: string
    readonly collected: string
    readonly result: string
    readonly centre?: string
  }
  readonly recovery?: {
    readonly disease: string
    readonly firstPositive: string
    readonly validFrom: string
    readonly validUntil: string
  }
}

const words = (...parts: (string | undefined)[]) =>
  parts.filter((p): p is string => p !== undefined && p.trim() !== '').join(' ')

/** The summary of a schema-checked payload (checkDccSchema vouched for the types read here). */
export function summariseDcc(p: DccPayload): DccSummary {
  const e = p.entry
  const s = (key: string) => String(e[key])
  const n = (key: string) => Number(e[key])
  const opt = <K extends string>(key: string, as: K) =>
    (typeof e[key] === 'string' ? { [as]: e[key] } : {}) as Partial<Record<K, string>>
  const transliterated = words(p.nam.gnt, p.nam.fnt)
  const base = {
    name: words(p.nam.gn, p.nam.fn) || transliterated,
    transliterated,
    birthDate: p.dob,
    type: p.type,
    version: p.ver,
    country: s('co'),
    issuer: s('is'),
    uci: s('ci'),
  }
  switch (p.type) {
    case 'v':
      return {
        ...base,
        vaccination: {
          disease: s('tg'),
          vaccine: s('vp'),
          product: s('mp'),
          manufacturer: s('ma'),
          dose: n('dn'),
          doses: n('sd'),
          date: s('dt'),
        },
      }
    case 't':
      return {
        ...base,
        test: {
          disease: s('tg'),
          testType: s('tt'),
          ...opt('nm', 'name'),
          ...opt('ma', 'device'),
          collected: s('sc'),
          result: s('tr'),
          ...opt('tc', 'centre'),
        },
      }
    case 'r':
      return {
        ...base,
        recovery: {
          disease: s('tg'),
          firstPositive: s('fr'),
          validFrom: s('df'),
          validUntil: s('du'),
        },
      }
  }
}
