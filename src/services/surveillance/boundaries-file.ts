/**
 * @module services/surveillance/boundaries-file
 * Reading a boundary file (`vigil regions load FILE.topojson|.geojson`) into area features:
 * TopoJSON (a `Topology`, every object converted by topojson-client, the reference decoder of the
 * format's delta-encoded, quantized arcs) or GeoJSON (RFC 7946: a FeatureCollection or a Feature).
 * The file is attacker-controlled input: every geometry is checked (RFC 7946 §3.1: rings of at
 * least four positions, longitude −180…180, latitude −90…90) and a bad one refuses the whole file,
 * naming the feature. Features that are not areas (points, lines, no geometry) are kept aside so
 * the load can list them rather than drop them silently.
 */

import { feature as topoFeature } from 'topojson-client'
import { isJsonObject } from '../../core/codec/index.ts'
import type { AreaGeometry } from '../../core/stats/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

/** One feature of the file, as read. */
export interface FileFeature {
  /** Position in the file (0-based, over all objects of a topology). */
  index: number
  /** Candidate place codes: the feature's id, then its code-like properties, in that order. */
  keys: string[]
  /** The feature's name, when it has one. */
  name: string | null
  /** Null when the feature is not an area. */
  geometry: AreaGeometry | null
  vertices: number
}

/** Refused beyond this: simplify the file first (e.g. mapshaper -simplify). */
export const MAX_VERTICES = 1_000_000
const MAX_FEATURES = 20_000

/** Properties that commonly hold a place code, in the order they are tried. */
const KEY_PROPERTIES = ['code', 'iso_3166_2', 'ISO_3166_2', 'ISO3166-2', 'shapeISO', 'id']
const NAME_PROPERTIES = ['name', 'NAME', 'shapeName']

const bad = (message: string, field = 'file') =>
  new ServiceError('BOUNDARIES_INVALID', message, { field })

/** A feature's label in reports: its first key, its name, or its position. */
export const featureLabel = (f: FileFeature) => f.keys[0] ?? f.name ?? `feature #${f.index + 1}`

// 1e-5° is about a metre: enough for a district map, and it keeps the stored JSON small.
const round = (x: number) => Math.round(x * 1e5) / 1e5

function ring(value: unknown, where: string): [number, number][] {
  if (!Array.isArray(value) || value.length < 4)
    throw bad(`${where}: a ring needs at least four positions (RFC 7946 §3.1.6)`, where)
  return value.map((p, k) => {
    const [lon, lat] = Array.isArray(p) ? p : []
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon + lat))
      throw bad(`${where}[${k}]: a position is [longitude, latitude]`, where)
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90)
      throw bad(
        `${where}[${k}]: ${lon}, ${lat} is not WGS 84 longitude/latitude (RFC 7946 §4); reproject the file`,
        where,
      )
    return [round(lon), round(lat)]
  })
}

const polygon = (value: unknown, where: string): [number, number][][] => {
  if (!Array.isArray(value) || value.length === 0)
    throw bad(`${where}: a polygon is a list of rings`, where)
  return value.map((r, k) => ring(r, `${where}[${k}]`))
}

function area(geometry: unknown, where: string): AreaGeometry | null {
  if (!isJsonObject(geometry)) return null
  if (geometry.type === 'Polygon')
    return { type: 'Polygon', coordinates: polygon(geometry.coordinates, `${where}.coordinates`) }
  if (geometry.type === 'MultiPolygon') {
    const parts = geometry.coordinates
    if (!Array.isArray(parts) || parts.length === 0)
      throw bad(`${where}.coordinates: a MultiPolygon is a list of polygons`, where)
    return {
      type: 'MultiPolygon',
      coordinates: parts.map((p, k) => polygon(p, `${where}.coordinates[${k}]`)),
    }
  }
  return null
}

export const countVertices = (g: AreaGeometry): number =>
  g.type === 'Polygon'
    ? g.coordinates.reduce((n, r) => n + r.length, 0)
    : g.coordinates.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0)

function readFeature(value: unknown, index: number): FileFeature {
  const where = `features[${index}]`
  if (!isJsonObject(value) || value.type !== 'Feature')
    throw bad(`${where}: not a GeoJSON Feature`, where)
  const props = isJsonObject(value.properties) ? value.properties : {}
  const text = (v: unknown) =>
    typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null
  const keys = [value.id, ...KEY_PROPERTIES.map((k) => props[k])]
    .map(text)
    .filter((k): k is string => k !== null)
  const name = NAME_PROPERTIES.map((k) => text(props[k])).find((n) => n !== null) ?? null
  const geometry = area(value.geometry, `${where}.geometry`)
  return {
    index,
    keys: [...new Set(keys)],
    name,
    geometry,
    vertices: geometry === null ? 0 : countVertices(geometry),
  }
}

/** GeoJSON features of a TopoJSON topology: every object, in the file's order. */
function fromTopology(topology: Record<string, unknown>): unknown[] {
  if (!isJsonObject(topology.objects) || !Array.isArray(topology.arcs))
    throw bad('a TopoJSON Topology needs "objects" and "arcs"')
  const out: unknown[] = []
  for (const [name, object] of Object.entries(topology.objects)) {
    try {
      const converted = topoFeature(
        topology as unknown as Parameters<typeof topoFeature>[0],
        object as never,
      ) as unknown
      if (isJsonObject(converted) && Array.isArray(converted.features))
        out.push(...converted.features)
      else out.push(converted)
    } catch (err) {
      // topojson-client trusts its input: an arc index out of range surfaces as a TypeError.
      throw bad(`object "${name}": not valid TopoJSON (${(err as Error).message})`, 'objects')
    }
  }
  return out
}

/** The features of a TopoJSON or GeoJSON text; refuses the whole file on any malformed area. */
export function parseBoundaries(text: string): FileFeature[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw bad(`not JSON: ${(err as Error).message}`)
  }
  if (!isJsonObject(doc)) throw bad('a boundary file is a TopoJSON Topology or GeoJSON object')
  const raw =
    doc.type === 'Topology'
      ? fromTopology(doc)
      : doc.type === 'FeatureCollection' && Array.isArray(doc.features)
        ? doc.features
        : doc.type === 'Feature'
          ? [doc]
          : undefined
  if (raw === undefined)
    throw bad('expected a TopoJSON Topology, a GeoJSON FeatureCollection or a Feature', 'type')
  if (raw.length === 0) throw bad('the file has no features', 'features')
  if (raw.length > MAX_FEATURES) throw bad(`more than ${MAX_FEATURES} features`, 'features')
  const features = raw.map(readFeature)
  const vertices = features.reduce((n, f) => n + f.vertices, 0)
  if (vertices > MAX_VERTICES)
    throw bad(
      `${vertices} positions (at most ${MAX_VERTICES}): simplify the outlines first, e.g. with mapshaper -simplify`,
      'features',
    )
  return features
}
