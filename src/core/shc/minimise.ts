/**
 * @module core/shc/minimise
 * Bundle minimisation for QR cards (SHC 1.4 §Health Cards are Compact), as the reference
 * generator does it: no Resource.id, no Resource.meta (optionally keeping IAL `meta.security`),
 * no DomainResource.text, no CodeableConcept.text, no Coding.display; `fullUrl` becomes
 * `resource:N` and references to bundled resources (by fullUrl or `Type/id`) follow. A reference
 * to something outside the bundle is left as it is.
 */

import { isJsonObject, type JsonObject } from '../codec/index.ts'
import { checkFhirBundle } from './bundle-check.ts'
import { ShcError } from './errors.ts'
import { MAX_JSON_DEPTH } from './limits.ts'

export interface MinimiseOptions {
  /** Keep `meta.security` (IAL labels), the one meta element SHC allows. Default false. */
  readonly keepSecurityLabels?: boolean
}

/** fullUrl, its last two path segments and `Type/id` → `resource:N`. */
function mapReferences(entries: readonly unknown[]): Map<string, string> {
  const map = new Map<string, string>()
  entries.forEach((entry, i) => {
    const short = `resource:${i}`
    const resource = isJsonObject(entry) ? entry.resource : undefined
    const fullUrl = isJsonObject(entry) ? entry.fullUrl : undefined
    if (typeof fullUrl === 'string') {
      map.set(fullUrl, short)
      map.set(fullUrl.split('/').slice(-2).join('/'), short)
    }
    if (isJsonObject(resource) && typeof resource.id === 'string') {
      map.set(`${String(resource.resourceType)}/${resource.id}`, short)
    }
  })
  return map
}

function clean(value: unknown, refs: Map<string, string>, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) throw new ShcError('SHC_BUNDLE', 'bundle nested too deeply')
  if (Array.isArray(value)) return value.map((v) => clean(v, refs, depth + 1))
  if (!isJsonObject(value)) return value
  const isCoding = typeof value.system === 'string' && typeof value.code === 'string'
  const isConcept = Array.isArray(value.coding)
  const out = Object.entries(value)
    .filter(([k]) => !(isCoding && k === 'display') && !(isConcept && k === 'text'))
    .map(([k, v]) => {
      if (k === 'reference' && typeof v === 'string') return [k, refs.get(v) ?? v]
      return [k, clean(v, refs, depth + 1)]
    })
  return Object.fromEntries(out)
}

function minimiseResource(resource: JsonObject, refs: Map<string, string>, keepLabels: boolean) {
  const { id: _id, meta, text: _text, ...rest } = resource
  const cleaned = clean(rest, refs, 1) as JsonObject
  const security = isJsonObject(meta) ? meta.security : undefined
  if (!keepLabels || security === undefined) return cleaned
  const { resourceType, ...others } = cleaned
  return { resourceType, meta: { security: clean(security, refs, 2) }, ...others }
}

/** A minimised copy of a built FHIR Bundle; the input is not changed. */
export function minimiseBundle(bundle: unknown, options: MinimiseOptions = {}): JsonObject {
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) {
    throw new ShcError('SHC_BUNDLE', 'not a FHIR Bundle with entries', { field: 'fhirBundle' })
  }
  const { id: _id, meta: _meta, entry, ...rest } = bundle as JsonObject & { entry: unknown[] }
  const refs = mapReferences(entry)
  const minimised = {
    ...rest,
    entry: entry.map((e, i) => ({
      fullUrl: `resource:${i}`,
      resource:
        isJsonObject(e) && isJsonObject(e.resource)
          ? minimiseResource(e.resource, refs, options.keepSecurityLabels === true)
          : undefined,
    })),
  }
  return checkFhirBundle(minimised)
}
