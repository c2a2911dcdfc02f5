/**
 * @module core/shc/bundle-check
 * Structural check of `vc.credentialSubject.fhirBundle` (SHC 1.4 §Health Cards are encoded as
 * Compact Serialization JWS, the `vc` claim): a
 * FHIR R4 Bundle whose `type` is an R4 Bundle.type code (1.3.0 allows types other than
 * `collection`, e.g. `document` in example-02), with entries that each hold a resource, and no
 * empty strings, arrays or objects anywhere (invalid FHIR). Profile and terminology validation
 * (CVX, LOINC, IG profiles) is a separate layer. The bundle is attacker-controlled: nesting depth
 * is bounded so the walk cannot exhaust the stack.
 */

import { isJsonObject, type JsonObject } from '../codec/index.ts'
import { ShcError } from './errors.ts'
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

/** The path `trail` spells from `root` (only made on failure). */
function pathOf(trail: readonly (string | number)[], root: string): string {
  let path = root
  for (const k of trail) path = typeof k === 'number' ? `${path}[${k}]` : `${path}.${k}`
  return path
}

/**
 * `trail` holds the keys from the bundle down: the path is only spelled out on failure (no
 * closure per node: a card's bundle has about a hundred).
 */
function checkNoEmptyValues(value: unknown, trail: (string | number)[], root: string): void {
  if (trail.length > MAX_JSON_DEPTH) throw reject('bundle nested too deeply', pathOf(trail, root))
  if (value === '') throw reject('empty string (invalid FHIR)', pathOf(trail, root))
  if (Array.isArray(value)) {
    if (value.length === 0) throw reject('empty array (invalid FHIR)', pathOf(trail, root))
    for (let i = 0; i < value.length; i++) {
      trail.push(i)
      checkNoEmptyValues(value[i], trail, root)
      trail.pop()
    }
  } else if (isJsonObject(value)) {
    let empty = true
    for (const key in value) {
      empty = false
      trail.push(key)
      checkNoEmptyValues(value[key], trail, root)
      trail.pop()
    }
    if (empty) throw reject('empty object (invalid FHIR)', pathOf(trail, root))
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
  checkNoEmptyValues(bundle, [], path)
  return bundle
}
