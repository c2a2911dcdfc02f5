/**
 * @module core/fhir/guards
 * Hand-written guards for builder input. Input may come from JSON (the HTTP edge validates the
 * shape with zod first, batch imports may not), so every value is checked for its type here too,
 * and every failure names its field.
 */
import { MAX_NUMERIC_DATE } from '../shc/index.ts'
import { FhirError } from './errors.ts'

export const MAX_NAME_LENGTH = 100
export const MAX_GIVEN_NAMES = 10
export const MAX_IMMUNIZATIONS = 20
export const MAX_LOT_LENGTH = 20
/** IG invariant vc-should-be-under-30-chars on `performer.actor.display`. */
export const MAX_PERFORMER_LENGTH = 29
export const MIN_YEAR = 1900

/**
 * C0/C1 controls, line and paragraph separators, and bidi embeddings, overrides and isolates,
 * which could make a printed or displayed name read differently from its bytes.
 */
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u

/**
 * A lot is letters and digits with inner '.', '/' or '-': no spaces and no '#', so the
 * "Lot #0000001" style the IG flags (vc-should-not-include-string-lot) cannot pass.
 */
const LOT = /^[A-Za-z0-9](?:[A-Za-z0-9./-]*[A-Za-z0-9])?$/

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

/** The latest time zone is UTC+14: a date is future only once it is future everywhere. */
const LATEST_UTC_OFFSET_SECONDS = 14 * 3600

export function fail(code: FhirError['code'], message: string, field: string): FhirError {
  return new FhirError(code, `${field}: ${message}`, { field })
}

export function requireValue(value: unknown, field: string): unknown {
  if (value === undefined || value === null) throw fail('FHIR_REQUIRED', 'is required', field)
  return value
}

export function requireString(value: unknown, field: string): string {
  if (typeof requireValue(value, field) !== 'string') {
    throw fail('FHIR_TYPE', 'must be a string', field)
  }
  return value as string
}

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  const v = requireValue(value, field)
  if (typeof v !== 'object' || Array.isArray(v)) throw fail('FHIR_TYPE', 'must be an object', field)
  return v as Record<string, unknown>
}

export function requireList(value: unknown, field: string, max: number): readonly unknown[] {
  if (!Array.isArray(requireValue(value, field))) throw fail('FHIR_TYPE', 'must be a list', field)
  const list = value as readonly unknown[]
  if (list.length === 0) throw fail('FHIR_REQUIRED', 'must not be empty', field)
  if (list.length > max) throw fail('FHIR_TOO_MANY', `holds more than ${max} items`, field)
  return list
}

/** An optional input value: absent stays absent, anything else is checked. */
export function optional<T>(value: unknown, field: string, check: (v: unknown, f: string) => T) {
  return value === undefined ? undefined : check(value, field)
}

/** A code from one of the curated lists (codes.ts); anything else is FHIR_CODE_UNKNOWN. */
export function knownCode<T>(
  value: unknown,
  field: string,
  lookup: (code: string) => T | undefined,
): T {
  const code = requireString(value, field)
  const entry = lookup(code)
  if (entry === undefined) {
    throw fail('FHIR_CODE_UNKNOWN', `${JSON.stringify(code.slice(0, 24))} is not listed`, field)
  }
  return entry
}

/** Free text for a card: NFC, trimmed, non-empty, at most `max` characters, no controls. */
function checkText(value: unknown, field: string, max: number, code: FhirError['code']): string {
  const raw = requireString(value, field)
  if (CONTROL.test(raw)) throw fail(code, 'contains control characters', field)
  const text = raw.normalize('NFC').trim()
  if (text === '') throw fail(code, 'is blank', field)
  if ([...text].length > max) throw fail(code, `is longer than ${max} characters`, field)
  return text
}

export function checkName(value: unknown, field: string): string {
  return checkText(value, field, MAX_NAME_LENGTH, 'FHIR_NAME_INVALID')
}

export function checkPerformer(value: unknown, field: string): string {
  return checkText(value, field, MAX_PERFORMER_LENGTH, 'FHIR_PERFORMER_INVALID')
}

export function checkLot(value: unknown, field: string): string {
  const lot = requireString(value, field).trim()
  if (lot.length > MAX_LOT_LENGTH || !LOT.test(lot)) {
    throw fail('FHIR_LOT_INVALID', `must be 1-${MAX_LOT_LENGTH} letters, digits, . / -`, field)
  }
  return lot
}

/** A checked FHIR date: its text and the first day it covers (YYYY-MM-DD). */
export interface CheckedDate {
  readonly text: string
  readonly start: string
  readonly precision: 'year' | 'month' | 'day'
}

/** YYYY-MM-DD, or with `partial` also YYYY and YYYY-MM; a real calendar date from 1900. */
export function checkDate(value: unknown, field: string, partial: boolean): CheckedDate {
  const text = requireString(value, field)
  const m = DATE.exec(text)
  const [year, month, day] = [Number(m?.[1]), Number(m?.[2] ?? 1), Number(m?.[3] ?? 1)]
  const inMonth = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
  const real = inMonth && month >= 1 && month <= 12
  if (m === null || (!partial && m[3] === undefined) || !real || year < MIN_YEAR) {
    const form = partial ? 'YYYY, YYYY-MM or YYYY-MM-DD' : 'YYYY-MM-DD'
    throw fail('FHIR_DATE_INVALID', `must be a real date ${form} from ${MIN_YEAR}`, field)
  }
  const precision = m[3] !== undefined ? 'day' : m[2] !== undefined ? 'month' : 'year'
  const start = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`
  return { text, start, precision }
}

/** The latest calendar day (YYYY-MM-DD) anywhere on Earth at `now` (NumericDate seconds). */
export function latestToday(now: number): string {
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0 || now > MAX_NUMERIC_DATE) {
    throw fail('FHIR_TYPE', 'must be a NumericDate (seconds)', 'now')
  }
  return new Date((now + LATEST_UTC_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10)
}

export function checkNotFuture(date: CheckedDate, today: string, field: string): void {
  if (date.start > today) throw fail('FHIR_DATE_FUTURE', `${date.text} is in the future`, field)
}

export function checkNotBeforeBirth(date: CheckedDate, birth: CheckedDate, field: string): void {
  if (date.start < birth.start) {
    throw fail('FHIR_DATE_BEFORE_BIRTH', `${date.text} is before the birth date`, field)
  }
}
