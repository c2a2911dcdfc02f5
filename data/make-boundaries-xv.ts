/**
 * Writes data/boundaries-xv.topojson: made-up outlines for the fictional country of
 * data/regions-xv.csv (Valdoria, XV), its 3 regions and 10 districts, placed in the open North
 * Atlantic (about 40–34° W, 45–51° N) where no real place is. The country is three bands
 * (North, Central, South) split into districts by wavy borders; every border is one TopoJSON arc
 * shared by the two places on either side, so the outlines tile without gaps or overlaps.
 * Deterministic: `node --import tsx data/make-boundaries-xv.ts` writes the same file each time.
 */
import { writeFileSync } from 'node:fs'

const WEST = -40
const EAST = -34
const STEP = 0.25
/** Latitudes of the four east–west lines: the north coast, two band borders, the south coast. */
const LINES = [51, 49, 47, 45]
const BANDS = [
  { code: 'XV-N', name: 'North', cuts: [-38, -36], districts: ['N01', 'N02', 'N03'] },
  {
    code: 'XV-C',
    name: 'Central',
    cuts: [-38.5, -37, -35.5],
    districts: ['C01', 'C02', 'C03', 'C04'],
  },
  { code: 'XV-S', name: 'South', cuts: [-38, -36], districts: ['S01', 'S02', 'S03'] },
]
const NAMES: Record<string, string> = {
  N01: 'Harbourside',
  N02: 'Fjordmark',
  N03: 'Highmoor',
  C01: 'Capital City',
  C02: 'Riverlands',
  C03: 'Millbrook',
  C04: 'Eastgate',
  S01: 'Vineshore',
  S02: 'Saltmarsh',
  S03: 'Southport',
}

type Point = [number, number]
const r = (x: number) => Math.round(x * 1e4) / 1e4
/** A smooth, repeatable wobble: coasts wobble more than inland borders. */
const wobble = (i: number, seed: number, size: number) =>
  size * (0.6 * Math.sin(i * 1.7 + seed * 3.1) + 0.4 * Math.sin(i * 4.3 + seed * 1.3))

const lineY = (k: number, x: number) => {
  const i = Math.round((x - WEST) / STEP)
  const coast = k === 0 || k === LINES.length - 1
  const edge = x === WEST || x === EAST
  return r((LINES[k] as number) + (edge ? 0 : wobble(i, k + 1, coast ? 0.22 : 0.12)))
}

const arcs: Point[][] = []
const arc = (points: Point[]) => arcs.push(points) - 1

/** East–west line k cut at `breaks` (sorted, including both ends): arc ids, west to east. */
function horizontal(k: number, breaks: number[]): Map<number, number> {
  const out = new Map<number, number>()
  for (let b = 0; b + 1 < breaks.length; b++) {
    const a = breaks[b] as number
    const z = breaks[b + 1] as number
    const pts: Point[] = []
    for (let x = a; x <= z + 1e-9; x += STEP) pts.push([r(x), lineY(k, r(x))])
    out.set(a, arc(pts))
  }
  return out
}

/** A north–south border at x from line k down to line k + 1. */
function vertical(k: number, x: number): number {
  const top = lineY(k, x)
  const bottom = lineY(k + 1, x)
  const pts: Point[] = [[x, top]]
  const edge = x === WEST || x === EAST
  const n = Math.round((top - bottom) / STEP)
  for (let j = 1; j < n; j++)
    pts.push([r(x + wobble(j, x * 7 + k, edge ? 0.2 : 0.1)), r(top - (j * (top - bottom)) / n)])
  pts.push([x, bottom])
  return arc(pts)
}

const all = (k: number) =>
  [WEST, ...new Set([...(BANDS[k - 1]?.cuts ?? []), ...(BANDS[k]?.cuts ?? [])]), EAST].sort(
    (a, b) => a - b,
  )
const lines = LINES.map((_, k) => ({ breaks: all(k), arcs: horizontal(k, all(k)) }))
const rev = (id: number) => ~id

/** Arc ids of line k between x = a and x = b, west to east. */
const along = (k: number, a: number, b: number) => {
  const line = lines[k] as (typeof lines)[number]
  return line.breaks.filter((x) => x >= a && x < b).map((x) => line.arcs.get(x) as number)
}
/** A counter-clockwise ring (RFC 7946 §3.1.6): south border west→east, up, north border east→west, down. */
const ring = (k: number, a: number, b: number, east: number[], west: number[]) => [
  ...along(k + 1, a, b),
  ...east.map(rev).reverse(),
  ...along(k, a, b).reverse().map(rev),
  ...west,
]

const geometries: object[] = []
const eastEdges: number[] = []
const westEdges: number[] = []
BANDS.forEach((band, k) => {
  const xs = [WEST, ...band.cuts, EAST]
  const borders = xs.map((x) => vertical(k, x))
  eastEdges.push(borders[borders.length - 1] as number)
  westEdges.push(borders[0] as number)
  band.districts.forEach((d, j) => {
    const code = `XV-${d}`
    geometries.push({
      type: 'Polygon',
      id: code,
      properties: { code, name: NAMES[d], level: 'district' },
      arcs: [
        ring(
          k,
          xs[j] as number,
          xs[j + 1] as number,
          [borders[j + 1] as number],
          [borders[j] as number],
        ),
      ],
    })
  })
  geometries.push({
    type: 'Polygon',
    id: band.code,
    properties: { code: band.code, name: band.name, level: 'region' },
    arcs: [ring(k, WEST, EAST, [borders[borders.length - 1] as number], [borders[0] as number])],
  })
})
geometries.push({
  type: 'Polygon',
  id: 'XV',
  properties: { code: 'XV', name: 'Valdoria (fictional)', level: 'country' },
  arcs: [
    [
      ...along(LINES.length - 1, WEST, EAST),
      ...eastEdges.map(rev).reverse(),
      ...along(0, WEST, EAST).reverse().map(rev),
      ...westEdges,
    ],
  ],
})

const topology = {
  type: 'Topology',
  // Source and licence travel with the file (data/README.md says the same).
  source: 'made for Vigil (data/make-boundaries-xv.ts); fictional; CC0-1.0',
  objects: { places: { type: 'GeometryCollection', geometries } },
  arcs,
}
writeFileSync(new URL('./boundaries-xv.topojson', import.meta.url), `${JSON.stringify(topology)}\n`)
console.log(`${geometries.length} places, ${arcs.length} arcs`)
