/**
 * @module services/surveillance/suppress
 * Small-cell suppression with complementary suppression, for one table of counts with its
 * margins (docs/SURVEILLANCE.md "Suppression").
 *
 * The table is extended with its row totals (column C), column totals (row R) and grand total
 * (R, C). Every row and column of the extended table is a linear equation (the cells add up to
 * the total), so with the margins' signs flipped each line sums to zero: the unknowns form a
 * bipartite graph (lines are vertices, hidden cells are edges), and a hidden cell is determined
 * by the published cells exactly when its edge is a bridge of that graph. A hidden cell on a
 * cycle of positive hidden cells can move by ±1 around the cycle and stay non-negative, so it
 * has at least two values consistent with everything published.
 *
 *   1. primary: every published cell with 0 < n < threshold is hidden (zeros are published;
 *      margins that are not published at all count as hidden);
 *   2. complementary: while some positive hidden cell is a bridge, hide the published positive
 *      cells of the cheapest path that joins its two ends another way (closing a cycle);
 *   3. if no such cell exists, hide every positive cell of the table (then each lies on a
 *      four-cycle with its margins, so none can be recovered).
 */

export interface TableInput {
  /** R × C non-negative integers. */
  cells: readonly (readonly number[])[]
  threshold: number
  /** Publish each row's total (across the columns). */
  rowTotals: boolean
  /** Publish each column's total (across the rows); the grand total goes with either margin. */
  colTotals: boolean
  /** Interior cells to hide as primary whatever their value (e.g. a small complement). */
  forceHidden?: (row: number, col: number) => boolean
}

export interface SuppressedTable {
  /** (R+1) × (C+1): interior, row totals in column C, column totals in row R, grand total. */
  values: number[][]
  /** True where a value is not published (suppressed, or a margin that is not published). */
  hidden: boolean[][]
  /** Cells hidden because they were small (or forced). */
  primary: number
  /** Cells hidden only to protect others. */
  complementary: number
}

export function extend(cells: readonly (readonly number[])[]): number[][] {
  const R = cells.length
  const C = cells[0]?.length ?? 0
  const out = Array.from({ length: R + 1 }, () => new Array<number>(C + 1).fill(0))
  for (let i = 0; i < R; i++)
    for (let j = 0; j < C; j++) {
      const v = cells[i]?.[j] ?? 0
      ;(out[i] as number[])[j] = v
      ;(out[i] as number[])[C] = ((out[i] as number[])[C] as number) + v
      ;(out[R] as number[])[j] = ((out[R] as number[])[j] as number) + v
      ;(out[R] as number[])[C] = ((out[R] as number[])[C] as number) + v
    }
  return out
}

export function suppressTable(input: TableInput): SuppressedTable {
  const R = input.cells.length
  const C = input.cells[0]?.length ?? 0
  const values = extend(input.cells)
  const published = (i: number, j: number) =>
    i < R && j < C
      ? true
      : i < R
        ? input.rowTotals
        : j < C
          ? input.colTotals
          : input.rowTotals || input.colTotals
  const hidden = values.map((row, i) => row.map((_, j) => !published(i, j)))
  let primary = 0
  let complementary = 0
  const v = (i: number, j: number) => (values[i] as number[])[j] as number
  const isHidden = (i: number, j: number) => (hidden[i] as boolean[])[j] as boolean
  const hide = (i: number, j: number) => {
    ;(hidden[i] as boolean[])[j] = true
  }
  for (let i = 0; i <= R; i++)
    for (let j = 0; j <= C; j++) {
      if (!published(i, j)) continue
      const forced = i < R && j < C && input.forceHidden?.(i, j) === true && v(i, j) > 0
      if ((v(i, j) > 0 && v(i, j) < input.threshold) || forced) {
        hide(i, j)
        primary++
      }
    }
  if (R === 0 || C === 0) return { values, hidden, primary, complementary }

  // Vertices: rows 0..R, then columns R+1..R+1+C. Edges: positive hidden cells.
  for (;;) {
    // Only cells withheld from publication need protecting; a margin that is never published
    // may well be determined (it is an unknown of the equations, not a secret).
    const bridge = findBridge(
      R,
      C,
      (i, j) => isHidden(i, j) && v(i, j) > 0,
      (i, j) => published(i, j),
    )
    if (bridge === undefined) break
    const path = cheapestPath(R, C, bridge, (i, j) =>
      v(i, j) <= 0 ? undefined : isHidden(i, j) ? 0 : v(i, j),
    )
    if (path === undefined) {
      for (let i = 0; i <= R; i++)
        for (let j = 0; j <= C; j++)
          if (!isHidden(i, j) && v(i, j) > 0) {
            hide(i, j)
            complementary++
          }
      break
    }
    for (const [i, j] of path)
      if (!isHidden(i, j)) {
        hide(i, j)
        complementary++
      }
  }
  return { values, hidden, primary, complementary }
}

type EdgeTest = (i: number, j: number) => boolean

/**
 * A bridge (row, col) among the edges that `wanted` accepts, by Tarjan's low-link over the
 * bipartite line graph.
 */
function findBridge(
  R: number,
  C: number,
  edge: EdgeTest,
  wanted: EdgeTest,
): [number, number] | undefined {
  const n = R + 1 + C + 1
  const adj: number[][] = Array.from({ length: n }, () => [])
  for (let i = 0; i <= R; i++)
    for (let j = 0; j <= C; j++)
      if (edge(i, j)) {
        ;(adj[i] as number[]).push(R + 1 + j)
        ;(adj[R + 1 + j] as number[]).push(i)
      }
  const disc = new Array<number>(n).fill(-1)
  const low = new Array<number>(n).fill(0)
  let time = 0
  let found: [number, number] | undefined
  // Iterative DFS (tables are small, but recursion depth should not depend on data).
  for (let root = 0; root < n && found === undefined; root++) {
    if (disc[root] !== -1) continue
    const stack: [node: number, parent: number, next: number][] = [[root, -1, 0]]
    disc[root] = low[root] = time++
    while (stack.length > 0 && found === undefined) {
      const top = stack[stack.length - 1] as [number, number, number]
      const [u, parent] = top
      const nbrs = adj[u] as number[]
      if (top[2] < nbrs.length) {
        const w = nbrs[top[2]++] as number
        if (w === parent) continue // simple graph: each pair has at most one edge
        if (disc[w] === -1) {
          disc[w] = low[w] = time++
          stack.push([w, u, 0])
        } else low[u] = Math.min(low[u] as number, disc[w] as number)
      } else {
        stack.pop()
        if (parent !== -1) {
          low[parent] = Math.min(low[parent] as number, low[u] as number)
          const row = Math.min(u, parent)
          const col = Math.max(u, parent) - R - 1
          if ((low[u] as number) > (disc[parent] as number) && wanted(row, col)) found = [row, col]
        }
      }
    }
  }
  return found
}

/**
 * The cheapest path of positive cells from the bridge's row to its column, not through the
 * bridge (Dijkstra over the line graph; hidden cells cost nothing, published ones their value,
 * so the fewest and smallest cells are given up). With the bridge, it closes a cycle.
 */
function cheapestPath(
  R: number,
  C: number,
  bridge: [number, number],
  cost: (i: number, j: number) => number | undefined,
): [number, number][] | undefined {
  const n = R + 1 + C + 1
  const [br, bc] = bridge
  const target = R + 1 + bc
  const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY)
  const prev = new Array<number>(n).fill(-1)
  const done = new Array<boolean>(n).fill(false)
  dist[br] = 0
  for (;;) {
    let u = -1
    for (let k = 0; k < n; k++) {
      const d = dist[k] as number
      if (!done[k] && d < Number.POSITIVE_INFINITY && (u === -1 || d < (dist[u] as number))) u = k
    }
    if (u === -1) return undefined
    done[u] = true
    if (u === target) break
    const isRow = u <= R
    const others = isRow ? C + 1 : R + 1
    for (let k = 0; k < others; k++) {
      const [i, j] = isRow ? [u, k] : [k, u - R - 1]
      if (i === br && j === bc) continue
      const c = cost(i, j)
      if (c === undefined) continue
      const w = isRow ? R + 1 + k : k
      // A tiny step cost prefers fewer cells among equally cheap paths.
      const d = (dist[u] as number) + c + 1e-6
      if (d < (dist[w] as number)) {
        dist[w] = d
        prev[w] = u
      }
    }
  }
  const path: [number, number][] = []
  for (let w = target; w !== br; w = prev[w] as number) {
    const u = prev[w] as number
    path.push(u <= R ? [u, w - R - 1] : [w, u - R - 1])
  }
  return path
}
