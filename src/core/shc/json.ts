/**
 * @module core/shc/json
 * Guarded JSON for attacker-controlled SHC input (payloads, files, key sets, CRLs): size is
 * bounded before parsing, parse failures become one ShcError code, and objects are told apart
 * from arrays and null.
 */
import { isJsonObject, type JsonObject } from '../codec/index.ts'
import { ShcError, type ShcErrorCode } from './errors.ts'

/** Parses JSON text of at most `maxLength` characters; any failure throws `code`. */
export function parseJsonText(
  text: string,
  maxLength: number,
  code: ShcErrorCode,
  field: string,
): unknown {
  if (text.length > maxLength) {
    throw new ShcError('SHC_TOO_LARGE', `${field} exceeds ${maxLength} characters`, { field })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ShcError(code, `${field} is not valid JSON`, { field, cause })
  }
}

/** Like parseJsonText, but the value must be a JSON object. */
export function parseJsonObject(
  text: string,
  maxLength: number,
  code: ShcErrorCode,
  field: string,
): JsonObject {
  const value = parseJsonText(text, maxLength, code, field)
  if (!isJsonObject(value)) throw new ShcError(code, `${field} is not a JSON object`, { field })
  return value
}

/**
 * True when JSON text has no optional whitespace (§Health Card payload: "minified"): no space,
 * tab, CR or LF outside string literals. The text is assumed to be valid JSON.
 */
export function isMinifiedJson(text: string): boolean {
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return false
  }
  return true
}

/**
 * A counter (CRL `ctr`, JWK `crlVersion`): a positive safe integer. Issuers in the VCI snapshot
 * write `"ctr": "1"` as a string (the spec's CRL example quotes it too, SHC 1.4 §Revocation), so
 * a decimal-digit string is accepted too.
 */
export function parseCounter(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined
}
