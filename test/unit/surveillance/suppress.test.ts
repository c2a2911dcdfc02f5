/**
 * Small-cell suppression, checked by brute force: for many small random tables, no published
 * cell is under the threshold, and every hidden positive cell (interior or margin) takes at
 * least two values among the non-negative integer tables that agree with everything published
 * (the interior cells shown and the margins shown).
 */
import { describe, expect, it } from 'vitest'
import { type SuppressedTable, suppressTable } from '../../../src/services/surveillance/suppress.ts'
import { seededRandom } from '../../helpers/app.ts'

interface Case {
  cells: number[][]
  rowTotals: boolean
  colTotals: boolean
}

/** Every hidden positive cell's values over all consistent tables, up to two each. */
function consistentValues(c: Case, threshold: number, given?: SuppressedTable) {
  const t = given ?? suppressTable({ ...c, threshold })
  const R = c.cells.length
  const C = c.cells[0]?.length ?? 0
  const shown = (i: number, j: number) => !(t.hidden[i] as boolean[])[j]
  const val = (i: number, j: number) => (t.values[i] as number[])[j] as number
  const unknown: [number, number][] = []
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) if (!shown(i, j)) unknown.push([i, j])
  const G = val(R, C)
  const bound = G + 2
  const watched = new Map<string, Set<number>>()
  // Cells that would be published but are hidden: a margin never published is not a secret.
  const publishable = (i: number, j: number) =>
    i < R && j < C ? true : i < R ? c.rowTotals : j < C ? c.colTotals : c.rowTotals || c.colTotals
  for (let i = 0; i <= R; i++)
    for (let j = 0; j <= C; j++)
      if (publishable(i, j) && !shown(i, j) && val(i, j) > 0) watched.set(`${i},${j}`, new Set())
  const done = () => [...watched.values()].every((s) => s.size >= 2)
  const x = c.cells.map((row) => [...row])
  const record = () => {
    const ext = Array.from({ length: R + 1 }, () => new Array<number>(C + 1).fill(0))
    for (let i = 0; i < R; i++)
      for (let j = 0; j < C; j++) {
        const v = (x[i] as number[])[j] as number
        ;(ext[i] as number[])[j] = v
        ;(ext[i] as number[])[C] = ((ext[i] as number[])[C] as number) + v
        ;(ext[R] as number[])[j] = ((ext[R] as number[])[j] as number) + v
        ;(ext[R] as number[])[C] = ((ext[R] as number[])[C] as number) + v
      }
    for (let i = 0; i <= R; i++)
      for (let j = 0; j <= C; j++) if (shown(i, j) && (ext[i] as number[])[j] !== val(i, j)) return
    for (const [key, set] of watched) {
      const [i, j] = key.split(',').map(Number) as [number, number]
      if (set.size < 2) set.add((ext[i] as number[])[j] as number)
    }
  }
  const rowSum = (i: number) => (x[i] as number[]).reduce((a, b) => a + b, 0)
  const colSum = (j: number, upTo: number) => {
    let sum = 0
    for (let i = 0; i < upTo; i++) sum += (x[i] as number[])[j] as number
    return sum
  }
  // Depth-first over the hidden interior cells, row by row. A cell that a shown margin fixes
  // (the last row under a shown column total, the last hidden cell of a row with a shown total)
  // is computed, not guessed: the search spans only the freedom the published data leave.
  const dfs = (k: number) => {
    if (done()) return
    if (k === unknown.length) return record()
    const [i, j] = unknown[k] as [number, number]
    const lastInRow = (unknown[k + 1]?.[0] ?? -1) !== i
    let candidates: number[]
    if (i === R - 1 && shown(R, j)) candidates = [val(R, j) - colSum(j, R - 1)]
    else if (lastInRow && shown(i, C)) {
      ;(x[i] as number[])[j] = 0
      candidates = [val(i, C) - rowSum(i)]
    } else candidates = Array.from({ length: bound + 1 }, (_, v) => v)
    for (const v of candidates) {
      if (v < 0 || v > bound || done()) continue
      ;(x[i] as number[])[j] = v
      if (lastInRow && shown(i, C) && rowSum(i) !== val(i, C)) continue
      dfs(k + 1)
    }
    ;(x[i] as number[])[j] = (c.cells[i] as number[])[j] as number
  }
  dfs(0)
  return { t, watched }
}

function randomCase(rand: () => number, R: number, C: number): Case {
  const cells = Array.from({ length: R }, () =>
    Array.from({ length: C }, () => {
      const r = rand()
      return r < 0.2 ? 0 : r < 0.55 ? 1 + Math.floor(rand() * 9) : 10 + Math.floor(rand() * 6)
    }),
  )
  return { cells, rowTotals: rand() < 0.7, colTotals: rand() < 0.9 }
}

describe('complementary suppression', () => {
  const bytes = seededRandom(2026)
  const rand = () => (bytes(1)[0] as number) / 256
  const shapes: [number, number][] = [
    [1, 1],
    [1, 2],
    [2, 1],
    [1, 3],
    [2, 2],
    [2, 3],
    [3, 2],
  ]

  it('no published cell under the threshold, no hidden cell recoverable (brute force)', () => {
    let tables = 0
    let hiddenChecked = 0
    for (const [R, C] of shapes)
      for (let n = 0; n < 60; n++) {
        const c = randomCase(rand, R, C)
        const { t, watched } = consistentValues(c, 10)
        for (let i = 0; i <= R; i++)
          for (let j = 0; j <= C; j++) {
            const v = (t.values[i] as number[])[j] as number
            if (!(t.hidden[i] as boolean[])[j]) expect(v === 0 || v >= 10).toBe(true)
          }
        for (const [cell, values] of watched) {
          expect(values.size, `cell ${cell} of ${JSON.stringify(c)}`).toBeGreaterThanOrEqual(2)
          hiddenChecked++
        }
        tables++
      }
    expect(tables).toBe(shapes.length * 60)
    expect(hiddenChecked).toBeGreaterThan(300)
  })

  it('one small cell in a 3×3 table costs at least three complementary cells', () => {
    const t = suppressTable({
      cells: [
        [3, 20, 30],
        [40, 50, 60],
        [70, 80, 90],
      ],
      threshold: 10,
      rowTotals: true,
      colTotals: true,
    })
    expect(t.primary).toBe(1)
    expect(t.complementary).toBeGreaterThanOrEqual(3)
    // The hidden interior cells form a rectangle: each hidden row and column has two.
    const hiddenInterior = t.hidden.slice(0, 3).map((row) => row.slice(0, 3))
    for (const row of hiddenInterior) expect([0, 2]).toContain(row.filter(Boolean).length)
  })

  it('the brute force catches a cell hidden alone (so it can fail)', () => {
    const c = {
      cells: [
        [3, 20],
        [40, 50],
      ],
      rowTotals: true,
      colTotals: true,
    }
    const honest = suppressTable({ ...c, threshold: 10 })
    expect(honest.complementary).toBeGreaterThan(0)
    // Only the small cell hidden: its row total minus 20 gives it away.
    const naive: SuppressedTable = {
      ...honest,
      hidden: honest.values.map((row, i) => row.map((_, j) => i === 0 && j === 0)),
      complementary: 0,
    }
    const { watched } = consistentValues(c, 10, naive)
    expect([...(watched.get('0,0') ?? [])]).toEqual([3])
  })

  it('zeros are published and a table with no small cell is untouched', () => {
    const t = suppressTable({
      cells: [
        [0, 12],
        [15, 0],
      ],
      threshold: 10,
      rowTotals: true,
      colTotals: true,
    })
    expect(t.primary + t.complementary).toBe(0)
    expect(t.hidden.flat().every((h) => !h)).toBe(true)
  })

  it('a small margin is suppressed as well as small interior cells', () => {
    const t = suppressTable({
      cells: [[4], [30]],
      threshold: 10,
      rowTotals: false,
      colTotals: true,
    })
    // The region with 4 is hidden, and so is another cell so that the total cannot give it away.
    expect((t.hidden[0] as boolean[])[0]).toBe(true)
    expect((t.hidden[1] as boolean[])[0] || (t.hidden[2] as boolean[])[0]).toBe(true)
  })
})
