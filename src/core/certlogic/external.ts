/**
 * @module core/certlogic/external
 * The `external` context a rule reads beside the payload, with the names the EU verifier apps'
 * engine gives it. Instants are ISO 8601 in UTC without milliseconds, the form CertLogic's
 * date-time operations parse (CertLogic spec, "Working with dates").
 */
import type { DccExternal, DccValueSets } from './types.ts'

export interface DccExternalInput {
  /** POSIX seconds. */
  readonly now: number
  readonly country: string
  readonly exp: number
  readonly iat: number
  readonly issuerCountry?: string | undefined
  readonly kid?: string | undefined
  readonly region?: string | undefined
  readonly valueSets?: DccValueSets | undefined
}

/** POSIX seconds → `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoInstant(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`
}

export function dccExternal(input: DccExternalInput): DccExternal {
  return {
    validationClock: isoInstant(input.now),
    valueSets: input.valueSets ?? {},
    countryCode: input.country,
    exp: isoInstant(input.exp),
    iat: isoInstant(input.iat),
    issuerCountryCode: input.issuerCountry ?? '',
    kid: input.kid ?? '',
    region: input.region ?? '',
  }
}
