/**
 * The dashboard map's projection (web/src/charts/projection.ts): the sample outlines fit inside
 * the box with the padding, the shape keeps its proportions (longitudes shrunk by cos φ at the
 * middle latitude), north is up, and every ring becomes one closed subpath.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseBoundaries } from '../../src/services/surveillance/index.ts'
import { fitToBox, pathData } from '../../web/src/charts/projection.ts'

const features = parseBoundaries(
  readFileSync(new URL('../../data/boundaries-xv.topojson', import.meta.url), 'utf8'),
)
const geometries = features.flatMap((f) => (f.geometry === null ? [] : [f.geometry]))

describe('fitting outlines to a box', () => {
  it('every point lies in the box, inside the padding, touching it on the long axis', () => {
    const fit = fitToBox(geometries, 600, 8)
    const xs: number[] = []
    const ys: number[] = []
    for (const g of geometries)
      for (const ring of g.type === 'Polygon' ? g.coordinates : g.coordinates.flat())
        for (const p of ring) {
          const [x, y] = fit.project(p)
          xs.push(x)
          ys.push(y)
        }
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(8 - 1e-9)
    expect(Math.max(...xs)).toBeLessThanOrEqual(592 + 1e-9)
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(8 - 1e-9)
    expect(Math.max(...ys)).toBeLessThanOrEqual(fit.height - 8 + 1e-9)
    const spanX = Math.max(...xs) - Math.min(...xs)
    const spanY = Math.max(...ys) - Math.min(...ys)
    expect(Math.max(spanX / 584, spanY / (fit.height - 16))).toBeCloseTo(1, 6)
  })

  it('keeps proportions: a 1° × 1° square at 60° N is half as wide as it is tall; north is up', () => {
    const square = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [10, 59.5],
          [11, 59.5],
          [11, 60.5],
          [10, 60.5],
          [10, 59.5],
        ] as [number, number][],
      ],
    }
    const fit = fitToBox([square], 600, 0, 10, 2000)
    const ring = square.coordinates[0] as [number, number][]
    const [a, b, c] = ring.map((p) => fit.project(p)) as [
      [number, number],
      [number, number],
      [number, number],
    ]
    const width = b[0] - a[0]
    const height = a[1] - c[1]
    expect(width / height).toBeCloseTo(Math.cos((60 * Math.PI) / 180), 6)
    expect(height).toBeGreaterThan(0)
  })

  it('one closed subpath per ring', () => {
    const fit = fitToBox(geometries)
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: geometries.slice(0, 3).map((g) => (g.type === 'Polygon' ? g.coordinates : [])),
    }
    const d = pathData(multi, fit)
    expect(d.match(/M/g)).toHaveLength(3)
    expect(d.match(/Z/g)).toHaveLength(3)
    expect(d).not.toMatch(/NaN/)
  })
})
