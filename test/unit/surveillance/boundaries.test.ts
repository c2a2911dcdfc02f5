/**
 * Boundary files (`vigil regions load FILE.topojson|.geojson`): the sample TopoJSON decodes to
 * the 14 places of data/regions-xv.csv; GeoJSON reads the same; features match places by id,
 * code property or a name only one place has; what does not match is listed with its reason and
 * places without a feature are listed; a malformed geometry refuses the whole file with
 * BOUNDARIES_INVALID and the field at fault (the file is attacker-controlled input).
 */
import { readFileSync } from 'node:fs'
import { feature } from 'topojson-client'
import { describe, expect, it } from 'vitest'
import {
  matchBoundaries,
  parseBoundaries,
  parseRegionsCsv,
} from '../../../src/services/surveillance/index.ts'

const TOPO = readFileSync(new URL('../../../data/boundaries-xv.topojson', import.meta.url), 'utf8')
const PLACES = parseRegionsCsv(
  readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8'),
).places

/** The sample as GeoJSON, through topojson-client (what a GeoJSON user would load). */
function geojson(): { type: 'FeatureCollection'; features: Record<string, unknown>[] } {
  const topo = JSON.parse(TOPO)
  return feature(topo, topo.objects.places) as never
}

const refusal = (text: string) => {
  try {
    parseBoundaries(text)
  } catch (err) {
    return err as { code: string; field: string; message: string }
  }
  throw new Error('accepted')
}

const square = (x: number, y: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + 1, y],
      [x + 1, y + 1],
      [x, y + 1],
      [x, y],
    ],
  ],
})
const collection = (...features: unknown[]) =>
  JSON.stringify({ type: 'FeatureCollection', features })

describe('reading boundary files', () => {
  it('the sample TopoJSON has one closed area for each of the 14 sample places', () => {
    const features = parseBoundaries(TOPO)
    expect(features.map((f) => f.keys[0]).sort()).toEqual(PLACES.map((p) => p.code).sort())
    for (const f of features) {
      expect(f.geometry?.type).toBe('Polygon')
      const ring = f.geometry?.coordinates[0] as [number, number][]
      expect(ring.at(0)).toEqual(ring.at(-1))
      expect(ring.length).toBeGreaterThanOrEqual(4)
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThanOrEqual(-40.3)
        expect(lon).toBeLessThanOrEqual(-33.7)
        expect(lat).toBeGreaterThanOrEqual(44.7)
        expect(lat).toBeLessThanOrEqual(51.3)
      }
    }
  })

  it('GeoJSON of the same outlines reads the same', () => {
    const fromTopo = parseBoundaries(TOPO)
    const fromGeo = parseBoundaries(JSON.stringify(geojson()))
    expect(fromGeo.map((f) => [f.keys, f.name, f.vertices])).toEqual(
      fromTopo.map((f) => [f.keys, f.name, f.vertices]),
    )
  })

  it('a point or a feature without geometry is read as not an area, not refused', () => {
    const [point, none] = parseBoundaries(
      collection(
        {
          type: 'Feature',
          id: 'XV-N01',
          properties: {},
          geometry: { type: 'Point', coordinates: [0, 0] },
        },
        { type: 'Feature', properties: { name: 'Nowhere' }, geometry: null },
      ),
    )
    expect(point?.geometry).toBeNull()
    expect(none?.geometry).toBeNull()
  })

  it('refuses what is not a boundary file, each with its field', () => {
    expect(refusal('not json')).toMatchObject({ code: 'BOUNDARIES_INVALID', field: 'file' })
    expect(refusal('[]')).toMatchObject({ code: 'BOUNDARIES_INVALID', field: 'file' })
    expect(refusal('{"type":"Point","coordinates":[0,0]}')).toMatchObject({ field: 'type' })
    expect(refusal(collection())).toMatchObject({ field: 'features' })
    expect(refusal('{"type":"Topology","objects":{}}')).toMatchObject({ field: 'file' })
    expect(refusal(collection({ type: 'Thing' }))).toMatchObject({ field: 'features[0]' })
  })

  it('refuses a malformed area, naming the feature and ring', () => {
    const poly = (coordinates: unknown) =>
      collection({ type: 'Feature', id: 'XV-N', geometry: { type: 'Polygon', coordinates } })
    expect(
      refusal(
        poly([
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ]),
      ),
    ).toMatchObject({
      code: 'BOUNDARIES_INVALID',
      field: 'features[0].geometry.coordinates[0]',
    })
    expect(
      refusal(
        poly([
          [
            [0, 0],
            [1, 'x'],
            [1, 1],
            [0, 0],
          ],
        ]),
      ).field,
    ).toBe('features[0].geometry.coordinates[0]')
    // Projected metres, not WGS 84 degrees (RFC 7946 §4).
    expect(
      refusal(
        poly([
          [
            [500000, 0],
            [500001, 0],
            [500001, 1],
            [500000, 0],
          ],
        ]),
      ).message,
    ).toMatch(/not WGS 84/)
    expect(refusal(poly([])).field).toBe('features[0].geometry.coordinates')
    expect(
      refusal(collection({ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [] } }))
        .field,
    ).toBe('features[0].geometry')
  })

  it('refuses a topology whose arcs do not exist (topojson-client would throw inside)', () => {
    const topo = JSON.stringify({
      type: 'Topology',
      objects: { a: { type: 'Polygon', arcs: [[7]] } },
      arcs: [],
    })
    expect(refusal(topo)).toMatchObject({ code: 'BOUNDARIES_INVALID', field: 'objects' })
  })
})

describe('matching features to places', () => {
  it('the sample matches every place by code, nothing unmatched or missing', () => {
    const { matches, unmatched, missing } = matchBoundaries(parseBoundaries(TOPO), PLACES)
    expect(matches.size).toBe(14)
    expect([...matches.values()].every((m) => m.by === 'code')).toBe(true)
    expect(unmatched).toEqual([])
    expect(missing).toEqual([])
  })

  it('lists the features no place has and the places no feature has', () => {
    const geo = geojson()
    // Harbourside left out of the file, and a feature for a place that is not loaded.
    geo.features = geo.features.filter((f) => f.id !== 'XV-N01')
    geo.features.push({
      type: 'Feature',
      id: 'XV-Q09',
      properties: { name: 'Atlantis' },
      geometry: square(-30, 40),
    })
    const { matches, unmatched, missing } = matchBoundaries(
      parseBoundaries(JSON.stringify(geo)),
      PLACES,
    )
    expect(matches.size).toBe(13)
    expect(unmatched).toEqual([
      { feature: 'XV-Q09', reason: 'no loaded place has this code or name' },
    ])
    expect(missing).toEqual([{ region: 'XV-N01', name: 'Harbourside', level: 'district' }])
  })

  it('matches by a unique name (any case) when the file has no codes; a shared name is listed', () => {
    const places = [
      ...PLACES,
      { code: 'XV-S04', name: 'Riverlands', level: 'district' as const, parent: 'XV-S' },
    ]
    const features = parseBoundaries(
      collection(
        { type: 'Feature', properties: { NAME: 'HARBOURSIDE' }, geometry: square(0, 0) },
        { type: 'Feature', properties: { shapeName: 'Riverlands' }, geometry: square(1, 0) },
        { type: 'Feature', properties: { shapeISO: 'XV-C01' }, geometry: square(2, 0) },
      ),
    )
    const { matches, unmatched } = matchBoundaries(features, places)
    expect(matches.get('XV-N01')?.by).toBe('name')
    expect(matches.get('XV-C01')?.by).toBe('code')
    expect(unmatched).toEqual([
      {
        feature: 'Riverlands',
        reason: 'the name is shared by XV-C02, XV-S04: give the feature a code',
      },
    ])
  })

  it('several features of one place (islands) are kept together', () => {
    const { matches } = matchBoundaries(
      parseBoundaries(
        collection(
          { type: 'Feature', properties: { code: 'XV-S01' }, geometry: square(0, 0) },
          { type: 'Feature', properties: { code: 'XV-S01' }, geometry: square(3, 3) },
        ),
      ),
      PLACES,
    )
    expect(matches.get('XV-S01')?.features).toHaveLength(2)
  })
})
