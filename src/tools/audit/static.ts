/**
 * @module tools/audit/static
 * Audits a bare static tlog-tiles copy (c2sp.org/tlog-tiles: `checkpoint`, `tile/<L>/<N>`,
 * `tile/entries/<N>`, nothing else: no API, no chain, no key) as a CDN or bucket serves it. The
 * checkpoint's signature and origin are checked against the pinned key; the tree is recomputed
 * from the entry bundles; every hash tile at every level is compared with the recomputed one;
 * the recomputed root must be the signed one. The first missing or wrong object is named by its
 * path with a stable code.
 *
 * A leaf has two copies here (its bundle entry and its level-0 tile hash). When they disagree the
 * level-1 tile decides: it holds MTH of the level-0 tile and is itself covered by the signed root,
 * so a level-0 tile whose MTH it holds is genuine and the bundle was changed (and the other way
 * round). At the right edge, with no level-1 hash yet, the signed root decides. The walk goes on
 * with the copy judged right, so one changed object gives one finding.
 */
import { equalBytes, toBase64 } from '../../core/codec/index.ts'
import {
  CompactRange,
  decodeEntryBundle,
  entriesPath,
  HASH_SIZE,
  hashLeaf,
  rootFromLeafHashes,
  TILE_WIDTH,
  type Tile,
  tilePath,
  tileWidthAt,
} from '../../core/merkle/index.ts'
import { createEd25519Verifier, openNote, parseNote } from '../../core/note/index.ts'
import { parseVigilCheckpoint } from '../../services/ledger/index.ts'
import { compareTile, TileBuilder } from './tiles.ts'
import type { AuditCode, AuditFinding, AuditReport } from './types.ts'

/** Reads one object of the copy by its tlog-tiles path; undefined when it is not there. */
export type ObjectReader = (path: string) => Promise<Uint8Array | undefined>

export interface StaticAuditOptions {
  /** The log's verifier key(s) (a static copy publishes none: it must be pinned). */
  vkey: string | readonly string[]
  /** Objects read at once (default 32). */
  concurrency?: number
  maxFindings?: number
  onProgress?: (done: bigint, total: bigint) => void
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e))

const object = (code: AuditCode, path: string, message: string, index?: bigint): AuditFinding => ({
  code,
  at: path,
  path,
  message,
  ...(index === undefined ? {} : { index }),
})

const split = (bytes: Uint8Array): Uint8Array[] =>
  Array.from({ length: bytes.length / HASH_SIZE }, (_, i) =>
    bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
  )

/** First k where the two hash lists differ. */
function firstDiff(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  let k = 0
  while (k < a.length && equalBytes(a[k] as Uint8Array, b[k] as Uint8Array)) k++
  return k
}

export async function auditStatic(
  read: ObjectReader,
  options: StaticAuditOptions,
): Promise<AuditReport> {
  const findings: AuditFinding[] = []
  const max = options.maxFindings ?? 100
  const add = (f: AuditFinding | undefined) => {
    if (f !== undefined && findings.length < max) findings.push(f)
  }
  let range = CompactRange.empty()
  /** The checkpoint's size, once it was read and parsed. */
  let size: bigint | undefined
  const report = (): AuditReport => ({
    size: size ?? 0n,
    entries: range.size,
    checkpoints: size === undefined ? 0 : 1,
    findings,
    ok: findings.length === 0,
  })

  // The checkpoint: present, well formed, signed by the pinned key under its own name.
  const noteBytes = await read('checkpoint')
  if (noteBytes === undefined) {
    add(object('AUDIT_OBJECT_MISSING', 'checkpoint', 'missing'))
    return report()
  }
  const note = new TextDecoder().decode(noteBytes)
  const vkeys = typeof options.vkey === 'string' ? [options.vkey] : [...options.vkey]
  const verifiers = await Promise.all(vkeys.map((k) => createEd25519Verifier(k)))
  let signedRoot: Uint8Array
  try {
    const parsed = parseVigilCheckpoint(parseNote(note).text)
    size = parsed.size
    signedRoot = parsed.root
    if (!verifiers.some((v) => v.name === parsed.origin))
      add(
        object(
          'AUDIT_CHECKPOINT_MALFORMED',
          'checkpoint',
          `origin ${parsed.origin} is not the key's name`,
        ),
      )
  } catch (e) {
    add(object('AUDIT_CHECKPOINT_MALFORMED', 'checkpoint', reason(e)))
    return report()
  }
  try {
    await openNote(note, verifiers)
  } catch (e) {
    add(
      object(
        'AUDIT_CHECKPOINT_SIGNATURE',
        'checkpoint',
        `not signed by the log key (${reason(e)})`,
      ),
    )
  }

  // Upper tiles (level ≥ 1) are few (1/256 of level 0): each read once, when first needed.
  const upper = new Map<string, Promise<Uint8Array | undefined>>()
  const readUpper = (t: Tile) => {
    const path = tilePath(t)
    let p = upper.get(path)
    if (p === undefined) {
      p = read(path)
      upper.set(path, p)
    }
    return p
  }
  const upperOf = (level: number, index: bigint) =>
    readUpper({ level, index, width: tileWidthAt(level, index, size) })

  // Level 0: bundle b and tile b, read ahead `concurrency` at a time, judged in order.
  const bundles = (size + 255n) / 256n
  const limit = BigInt(options.concurrency ?? 32)
  const ahead = new Map<bigint, Promise<[Uint8Array | undefined, Uint8Array | undefined]>>()
  const start = (b: bigint) => {
    if (b >= bundles || ahead.has(b)) return
    const width = tileWidthAt(0, b, size)
    const p = Promise.all([
      read(entriesPath(b, width)),
      read(tilePath({ level: 0, index: b, width })),
    ])
    p.catch(() => {}) // awaited in turn; a read left behind by an early stop must not go unhandled
    ahead.set(b, p)
  }
  const builder = new TileBuilder()
  const checkUpper = async (built: ReturnType<TileBuilder['add']>) => {
    for (const t of built) {
      if (t.tile.level === 0) continue
      const path = tilePath(t.tile)
      const stored = await readUpper(t.tile)
      if (stored === undefined) add(object('AUDIT_OBJECT_MISSING', path, 'missing'))
      else add(compareTile(t, stored))
    }
  }
  /** The right-edge disagreement, judged by the signed root once the tree is complete. */
  let edge:
    | { before: CompactRange; tiled: Uint8Array[]; tile: AuditFinding; bundle: AuditFinding }
    | undefined

  for (let b = 0n; b < bundles && findings.length < max; b++) {
    for (let k = b; k < b + limit; k++) start(k)
    const [bundleBytes, tileBytes] = await (ahead.get(b) as Promise<
      [Uint8Array | undefined, Uint8Array | undefined]
    >)
    ahead.delete(b)
    const width = tileWidthAt(0, b, size)
    const bpath = entriesPath(b, width)
    const tpath = tilePath({ level: 0, index: b, width })
    let hashed: Uint8Array[] | undefined
    if (bundleBytes === undefined) add(object('AUDIT_OBJECT_MISSING', bpath, 'missing'))
    else {
      try {
        hashed = decodeEntryBundle(bundleBytes, width).map(hashLeaf)
      } catch (e) {
        add(
          object('AUDIT_BUNDLE_MISMATCH', bpath, `not a bundle of ${width} entries (${reason(e)})`),
        )
      }
    }
    let tiled: Uint8Array[] | undefined
    if (tileBytes === undefined) add(object('AUDIT_OBJECT_MISSING', tpath, 'missing'))
    else if (tileBytes.length !== width * HASH_SIZE)
      add(
        object(
          'AUDIT_TILE_TRUNCATED',
          tpath,
          `${tileBytes.length} bytes, want ${width * HASH_SIZE}`,
        ),
      )
    else tiled = split(tileBytes)

    let leaves = hashed ?? tiled
    if (hashed !== undefined && tiled !== undefined) {
      const k = firstDiff(hashed, tiled)
      if (k < width) {
        const index = b * 256n + BigInt(k)
        const tileWrong = object(
          'AUDIT_TILE_MISMATCH',
          tpath,
          `hash ${k} is not the hash of entry ${k} of ${bpath}`,
          index,
        )
        const bundleWrong = object(
          'AUDIT_BUNDLE_MISMATCH',
          bpath,
          `does not hash to ${tpath} (entry ${k} differs)`,
          index,
        )
        if (width === TILE_WIDTH) {
          const up = await upperOf(1, b >> 8n)
          const slot = Number(b & 255n)
          const held = up?.subarray(slot * HASH_SIZE, (slot + 1) * HASH_SIZE)
          const tileIsSigned =
            held?.length === HASH_SIZE && equalBytes(held, rootFromLeafHashes(tiled))
          add(tileIsSigned ? bundleWrong : tileWrong)
          leaves = tileIsSigned ? tiled : hashed
        } else {
          edge = { before: range, tiled, tile: tileWrong, bundle: bundleWrong }
        }
      }
    }
    if (leaves === undefined) {
      const at = `index ${b * 256n}`
      add({
        code: 'AUDIT_MISSING_ENTRY',
        at,
        index: b * 256n,
        message: 'neither the bundle nor the tile holds it: the tree cannot be recomputed past it',
      })
      return report()
    }
    const appended = range.append(leaves)
    range = appended.range
    await checkUpper(builder.add(appended.stored))
    if ((b & 63n) === 63n || b === bundles - 1n) options.onProgress?.(range.size, size)
  }
  if (findings.length >= max) return report()
  await checkUpper(builder.partial())
  const root = range.root()
  if (edge !== undefined) {
    const byTile = edge.before.append(edge.tiled).range.root()
    const tileIsSigned = !equalBytes(root, signedRoot) && equalBytes(byTile, signedRoot)
    add(tileIsSigned ? edge.bundle : edge.tile)
    if (tileIsSigned) return report()
  }
  if (!equalBytes(root, signedRoot))
    add(
      object(
        'AUDIT_CHECKPOINT_ROOT',
        'checkpoint',
        `root ${toBase64(signedRoot)}, the entry bundles give ${toBase64(root)}`,
      ),
    )
  return report()
}

/** An ObjectReader over HTTP: `<base>/<path>`; 404 is a missing object, any other failure throws. */
export function httpReader(
  base: string,
  fetchFn: (url: string) => Promise<Response> = (url) => fetch(url),
): ObjectReader {
  const root = base.replace(/\/+$/, '')
  return async (path) => {
    let res: Response | undefined
    for (let attempt = 1; res === undefined; attempt++) {
      try {
        res = await fetchFn(`${root}/${path}`)
      } catch (e) {
        if (attempt >= 3) throw new Error(`${path}: no answer (${reason(e)})`)
      }
    }
    if (res.status === 404) {
      await res.body?.cancel()
      return undefined
    }
    if (!res.ok) throw new Error(`${path} answered ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  }
}
