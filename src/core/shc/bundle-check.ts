/**
 * @module core/shc/bundle-check
 * Structural check of `vc.credentialSubject.fhirBundle` (§Health Card payload, shc.md §3-4): a
 * FHIR R4 Bundle whose `type` is an R4 Bundle.type code (1.3.0 allows types other than
 * `collection`, e.g. `document` in example-02), with entries that each hold a resource, and no
 * empty strings, arrays or objects anywhere (invalid FHIR). Profile and terminology validation
 * (CVX, LOINC, IG profiles) is a separate layer. The bundle is attacker-controlled: nesting depth
 * is bounded so the walk cannot exhaust the stack.
 */
import { ShcError } from './errors.ts'
import { isJsonObject, type JsonObject } from './json.ts'
import { MAX_JSON_DEPTH } from './limits.ts'

/** FHIR R4 value set bundle-type. */
const BUNDLE_TYPES = new Set([
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
])

function reject(message: string, field: string): ShcError {
  return new ShcError('SHC_BUNDLE', message, { field })
}

function checkNoEmptyValues(value: unknown, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw reject('bundle nested too deeply', path)
  if (value === '') throw reject('empty string (invalid FHIR)', path)
  if (Array.isArray(value)) {
    if (value.length === 0) throw reject('empty array (invalid FHIR)', path)
    for (const [i, item] of value.entries()) checkNoEmptyValues(item, `${path}[${i}]`, depth + 1)
  } else if (isJsonObject(value)) {
    const entries = Object.entries(value)
    if (entries.length === 0) throw reject('empty object (invalid FHIR)', path)
    for (const [key, item] of entries) checkNoEmptyValues(item, `${path}.${key}`, depth + 1)
  }
}

export function checkFhirBundle(bundle: unknown, path = 'fhirBundle'): JsonObject {
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle') {
    throw reject('fhirBundle is not a FHIR Bundle', path)
  }
  if (typeof bundle.type !== 'string' || !BUNDLE_TYPES.has(bundle.type)) {
    throw reject('Bundle.type is not an R4 bundle type', `${path}.type`)
  }
  const entries = bundle.entry
  if (!Array.isArray(entries) || entries.length === 0) {
    throw reject('Bundle.entry must list resources', `${path}.entry`)
  }
  entries.forEach((entry, i) => {
    const resource = isJsonObject(entry) ? entry.resource : undefined
    if (!isJsonObject(resource) || typeof resource.resourceType !== 'string') {
      throw reject('entry without a resource', `${path}.entry[${i}]`)
    }
  })
  checkNoEmptyValues(bundle, path, 0)
  return bundle
}
