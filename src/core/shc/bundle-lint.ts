/**
 * @module core/shc/bundle-lint
 * Minimisation findings on a bundle a verifier accepts (SHC 1.4 §Health Cards are Compact):
 * Resource.id, Resource.meta other than IAL `meta.security` labels, DomainResource.text,
 * CodeableConcept.text and Coding.display should be gone. They are warnings, not rejections:
 * the signature covers them and they do not change the meaning. References are not linted
 * (example-02 keeps `Practitioner/<uuid>` references and is a conformant card).
 * Run after checkFhirBundle, which bounds the nesting depth.
 */

import { isJsonObject, type JsonObject } from '../codec/index.ts'
import type { ShcWarning } from './errors.ts'

const IAL_SYSTEM = 'https://smarthealth.cards/ial'
const IAL_CODES = new Set(['IAL1', 'IAL1.2', 'IAL1.4', 'IAL2', 'IAL3'])

function isIalLabel(coding: unknown): boolean {
  return (
    isJsonObject(coding) &&
    Object.keys(coding).every((k) => k === 'system' || k === 'code') &&
    coding.system === IAL_SYSTEM &&
    typeof coding.code === 'string' &&
    IAL_CODES.has(coding.code)
  )
}

function isSecurityOnlyMeta(meta: unknown): boolean {
  if (!isJsonObject(meta) || Object.keys(meta).join() !== 'security') return false
  return Array.isArray(meta.security) && meta.security.every(isIalLabel)
}

/** Walks one resource for CodeableConcept.text and Coding.display. */
function findVerboseElements(value: unknown, path: string, found: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) findVerboseElements(item, `${path}[${i}]`, found)
    return
  }
  if (!isJsonObject(value)) return
  if (Array.isArray(value.coding)) {
    if ('text' in value && !found.has('CodeableConcept.text')) {
      found.set('CodeableConcept.text', `${path}.text`)
    }
    value.coding.forEach((c, i) => {
      if (isJsonObject(c) && 'display' in c && !found.has('Coding.display')) {
        found.set('Coding.display', `${path}.coding[${i}].display`)
      }
    })
  }
  for (const [key, item] of Object.entries(value))
    findVerboseElements(item, `${path}.${key}`, found)
}

export function lintBundleMinimisation(bundle: JsonObject): ShcWarning[] {
  const found = new Map<string, string>()
  const note = (what: string, field: string) => {
    if (!found.has(what)) found.set(what, field)
  }
  if ('id' in bundle) note('Resource.id', 'fhirBundle.id')
  if ('meta' in bundle) note('Resource.meta', 'fhirBundle.meta')
  const entries = Array.isArray(bundle.entry) ? bundle.entry : []
  entries.forEach((entry, i) => {
    const resource = isJsonObject(entry) ? entry.resource : undefined
    if (!isJsonObject(resource)) return
    const path = `fhirBundle.entry[${i}].resource`
    if ('id' in resource) note('Resource.id', `${path}.id`)
    if ('meta' in resource && !isSecurityOnlyMeta(resource.meta))
      note('Resource.meta', `${path}.meta`)
    if ('text' in resource) note('DomainResource.text', `${path}.text`)
    findVerboseElements(resource, path, found)
  })
  return [...found].map(([what, field]) => ({
    code: 'SHC_BUNDLE_NOT_MINIMISED',
    message: `${what} should be removed from a health card bundle`,
    field,
  }))
}
