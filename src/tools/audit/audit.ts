/**
 * @module tools/audit/audit
 * `vigil audit`: recompute the tree from the entries and hold every stored artefact to it — leaf
 * hashes, tiles, entry bundles, and each checkpoint's signature, root, chain link and consistency
 * with the one before. The walk reads an AuditSource a page at a time (the database, or a remote
 * log through its tiles), appends to a compact range (about two hashes per leaf in all), and
 * reports findings in log order, so the first one names the first place the log disagrees.
 */
import { CompactRange, TILE_HEIGHT, TILE_WIDTH } from '../../core/merkle/index.ts'
import { ChainChecker } from './chain.ts'
import { judgeLeaf, type LeafVerdict, leafFinding } from './leaf.ts'
import { readPage } from './page.ts'
import { RouteChecker } from './routes.ts'
import { type BuiltTile, compareBundle, compareTile, TileBuilder } from './tiles.ts'
import type { AuditFinding, AuditOptions, AuditReport, AuditSource } from './types.ts'

export * from './types.ts'

/** Entries per read: whole bundles (40), so bundle and level-0 tile reads line up with pages. */
export const AUDIT_PAGE = 40n * 256n

const min = (a: bigint, b: bigint) => (a < b ? a : b)

/** Findings of one segment, sorted by the last leaf each concerns before they join the report. */
class Findings {
  readonly list: AuditFinding[] = []
  #pending: { f: AuditFinding; pos: bigint }[] = []
  /** Tiles and bundles already named: one finding each, at the first leaf it misplaces. */
  readonly #paths = new Set<string>()
  readonly max: number
  constructor(max: number) {
    this.max = max
  }
  add(f: AuditFinding | undefined, pos = -1n) {
    if (f !== undefined) this.#pending.push({ f, pos })
  }
  commit() {
    this.#pending.sort((a, b) => (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0))
    for (const { f } of this.#pending) {
      if (f.path !== undefined && this.#paths.has(f.path)) continue
      if (f.path !== undefined) this.#paths.add(f.path)
      if (this.list.length < this.max) this.list.push(f)
    }
    this.#pending = []
  }
  get full() {
    return this.list.length >= this.max
  }
}

export async function audit(source: AuditSource, options: AuditOptions): Promise<AuditReport> {
  const head = await source.head()
  const total = head.size
  const findings = new Findings(options.maxFindings ?? 100)
  const chain = await ChainChecker.open(options.vkey, source.checkpoints(total), (f) =>
    findings.add(f),
  )
  const routes = source.routes && (await RouteChecker.open(source.routes, total))
  for (const f of routes?.findings.splice(0) ?? []) findings.add(f)
  if (routes !== undefined) chain.onRoot = (size, root) => routes.root(size, root)
  const builder = new TileBuilder()
  let range = CompactRange.empty()
  let bundle: Uint8Array[] = []
  const report = (): AuditReport => ({
    size: total,
    entries: range.size,
    checkpoints: chain.count,
    findings: findings.list,
    ok: findings.list.length === 0,
  })

  await chain.at(range)
  findings.commit()
  for (let start = 0n; start < total && !findings.full; start += AUDIT_PAGE) {
    const end = min(start + AUDIT_PAGE, total)
    const page = await readPage(source, start, end, total)
    const checkTiles = (tiles: BuiltTile[]) => {
      for (const t of tiles) findings.add(compareTile(t, page.tile(t.tile)), lastLeaf(t, total))
    }
    let at = 0
    // Segments end at checkpoint sizes, where the recomputed root is what the note must carry.
    for (let i = start; i < end; ) {
      const next = await chain.nextSize()
      const stop = next !== undefined && next < end ? next : end
      const leaves: Uint8Array[] = []
      for (; i < stop; i++) {
        const row = page.rows[at]?.index === i ? page.rows[at++] : undefined
        const verdict = judgeLeaf(page.copies(i, row))
        if (verdict.finding !== undefined) {
          findings.add(await moved(source, verdict, i), i)
        } else if (routes !== undefined && verdict.hash !== undefined) {
          findings.add(routes.leaf(i, verdict.hash), i)
        }
        if (verdict.entry === undefined || verdict.hash === undefined) {
          // Without the entry the tree cannot be recomputed past it: nothing later can be checked.
          findings.commit()
          return report()
        }
        if (routes !== undefined && (i % BigInt(TILE_WIDTH) === 0n || i === total - 1n))
          routes.sample(i, verdict.hash)
        leaves.push(verdict.hash)
        bundle.push(verdict.entry)
        if (bundle.length === TILE_WIDTH || i === total - 1n) {
          findings.add(compareBundle(i >> 8n, bundle, page.bundle(i >> 8n)), i)
          bundle = []
        }
      }
      const appended = range.append(leaves)
      range = appended.range
      chain.capture(appended.stored)
      checkTiles(builder.add(appended.stored))
      if (i === total) checkTiles(builder.partial())
      findings.commit()
      await chain.at(range)
      findings.commit()
    }
    options.onProgress?.(end, total)
  }
  if (findings.full) return report()
  await chain.finish(head, range)
  if (routes !== undefined)
    for (const f of await routes.proofs()) findings.add(f, f.index ?? f.size ?? -1n)
  const extra = await source.beyond?.(total, routes?.beyond)
  if (extra !== undefined)
    findings.add(leafFinding('AUDIT_EXTRA_ENTRY', extra, `past the signed size ${total}`), extra)
  findings.commit()
  return report()
}

/** A rewritten row holding the entry the tiles put elsewhere was moved (or swapped) there. */
async function moved(source: AuditSource, v: LeafVerdict, index: bigint): Promise<AuditFinding> {
  const f = v.finding as AuditFinding
  if (v.expected === undefined || source.locate === undefined) return f
  const elsewhere = (await source.locate(v.expected)).filter((j) => j !== index)
  const other = elsewhere[0]
  if (other === undefined) return f
  const message = `the entry that belongs here is stored at index ${other}`
  return { ...leafFinding('AUDIT_ENTRY_MOVED', index, message), other }
}

/** The last leaf a tile covers: where its finding sits in log order. */
function lastLeaf({ tile }: BuiltTile, total: bigint): bigint {
  const end = (tile.index * 256n + BigInt(tile.width)) << BigInt(TILE_HEIGHT * tile.level)
  return min(end, total) - 1n
}
