/**
 * @module ledger/audit
 * `vigil audit`: recompute the tree from the entries and hold every stored artefact to it — leaf
 * hashes, tiles, entry bundles, and each checkpoint's signature, root, chain link and consistency
 * with the one before. The walk reads an AuditSource a page at a time (the database, or a remote
 * log through its tiles), appends to a compact range (about two hashes per leaf in all), and
 * reports findings in log order, so the first one names the first place the log disagrees.
 */
import { equalBytes } from '../core/codec/bytes.ts'
import { decodeEntry } from '../core/entry/index.ts'
import { CompactRange, hashLeaf, TILE_HEIGHT, TILE_WIDTH } from '../core/merkle/index.ts'
import { ChainChecker } from './audit-chain.ts'
import { readPage } from './audit-page.ts'
import { type BuiltTile, compareBundle, compareTile, TileBuilder } from './audit-tiles.ts'
import type {
  AuditFinding,
  AuditLeaf,
  AuditOptions,
  AuditReport,
  AuditSource,
} from './audit-types.ts'

export * from './audit-types.ts'

/** Entries per read: whole bundles (40), so bundle and level-0 tile reads line up with pages. */
export const AUDIT_PAGE = 40n * 256n

const min = (a: bigint, b: bigint) => (a < b ? a : b)

/** Findings of one segment, sorted by the last leaf each concerns before they join the report. */
class Findings {
  readonly list: AuditFinding[] = []
  #pending: { f: AuditFinding; pos: bigint }[] = []
  readonly max: number
  constructor(max: number) {
    this.max = max
  }
  add(f: AuditFinding | undefined, pos = -1n) {
    if (f !== undefined) this.#pending.push({ f, pos })
  }
  commit() {
    this.#pending.sort((a, b) => (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0))
    for (const p of this.#pending) if (this.list.length < this.max) this.list.push(p.f)
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
      for (; i < stop; i++, at++) {
        const row = page.rows[at]
        if (row?.index !== i) {
          // Without the entry the tree cannot be recomputed past it: nothing later can be checked.
          findings.add(leafFinding('AUDIT_MISSING_ENTRY', i, 'no entry is stored'), i)
          findings.commit()
          return report()
        }
        leaves.push(checkLeaf(row, (f) => findings.add(f, i)))
        bundle.push(row.entry)
        if (bundle.length === TILE_WIDTH || i === total - 1n) {
          if (source.bundles) findings.add(compareBundle(i >> 8n, bundle, page.bundle(i >> 8n)), i)
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
  if (!findings.full) {
    await chain.finish(head, range)
    findings.commit()
  }
  return report()
}

const leafFinding = (code: AuditFinding['code'], index: bigint, message: string) => ({
  code,
  at: `index ${index}`,
  index,
  message,
})

/** The entry must decode and hash to its stored leaf hash; returns the hash of the bytes. */
function checkLeaf(row: AuditLeaf, add: (f: AuditFinding) => void): Uint8Array {
  try {
    decodeEntry(row.entry)
  } catch (e) {
    add(leafFinding('AUDIT_ENTRY_MALFORMED', row.index, e instanceof Error ? e.message : String(e)))
  }
  const leaf = hashLeaf(row.entry)
  if (row.leafHash !== undefined && !equalBytes(leaf, row.leafHash))
    add(leafFinding('AUDIT_LEAF_MISMATCH', row.index, 'the stored leaf hash is not the entry hash'))
  return leaf
}

/** The last leaf a tile covers: where its finding sits in log order. */
function lastLeaf({ tile }: BuiltTile, total: bigint): bigint {
  const end = (tile.index * 256n + BigInt(tile.width)) << BigInt(TILE_HEIGHT * tile.level)
  return min(end, total) - 1n
}
