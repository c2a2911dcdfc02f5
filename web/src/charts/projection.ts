/**
 * The map's projection: equirectangular, with longitudes shrunk by the cosine of the middle
 * latitude so a district keeps its shape at its own latitude, fitted to a box. Hand-written
 * rather than d3-geo: a choropleth of one country's districts needs only this (~40 lines), and
 * the page stays free of a projection library. No DOM: tested in Node.
 */
import type { AreaGeometry } from '../../../src/core/stats/index.ts'

export interface Fit {
  width: number
  height: number
  /** [longitude, latitude] → [x, y] in the box (y grows downwards, as in SVG). */
  project: (p: readonly [number, number]) => [number, number]
}

const rings = (g: AreaGeometry) => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat())

/**
 * Fits every geometry into a box `width` wide (the height follows the shape, kept within
 * [minHeight, maxHeight]), with `pad` on every side.
 */
export function fitToBox(
  geometries: readonly AreaGeometry[],
  width = 600,
  pad = 8,
  minHeight = 200,
  maxHeight = 900,
): Fit {
  let [west, east, south, north] = [180, -180, 90, -90]
  for (const g of geometries)
    for (const ring of rings(g))
      for (const [lon, lat] of ring) {
        west = Math.min(west, lon)
        east = Math.max(east, lon)
        south = Math.min(south, lat)
        north = Math.max(north, lat)
      }
  if (west > east) return { width, height: minHeight, project: () => [width / 2, minHeight / 2] }
  const k = Math.cos((((south + north) / 2) * Math.PI) / 180)
  const dx = Math.max((east - west) * k, 1e-9)
  const dy = Math.max(north - south, 1e-9)
  const height = Math.round(
    Math.min(maxHeight, Math.max(minHeight, (width - 2 * pad) * (dy / dx) + 2 * pad)),
  )
  const scale = Math.min((width - 2 * pad) / dx, (height - 2 * pad) / dy)
  // Centre the shape in the box along the axis that has room to spare.
  const x0 = (width - dx * scale) / 2
  const y0 = (height - dy * scale) / 2
  return {
    width,
    height,
    project: ([lon, lat]) => [x0 + (lon - west) * k * scale, y0 + (north - lat) * scale],
  }
}

const round = (v: number) => Math.round(v * 10) / 10

/** SVG path data for a geometry: one closed subpath per ring (holes draw as holes, evenodd). */
export function pathData(g: AreaGeometry, fit: Fit): string {
  return rings(g)
    .map((ring) => {
      const pts = ring.map((p) => fit.project(p)).map(([x, y]) => `${round(x)},${round(y)}`)
      return `M${pts.join('L')}Z`
    })
    .join('')
}
