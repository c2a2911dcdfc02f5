/**
 * @module services/exposure/export
 * The export batch job (batching as google/exposure-notifications-server does it): keys become
 * available by the hour (upload hour, or after expiry for held-back keys); each closed window
 * (`EXPOSURE.exportWindowMs`, published once `minWindowAgeMs` old) becomes one batch: keys sorted
 * by bytes, padded with random fake keys to at least 1,000 (+ rand 0..100) that copy real keys'
 * metadata round-robin, split into files of at most `maxRecords` keys (batch_num / batch_size),
 * each an export.zip signed with the export key. The zip bytes are stored first
 * (`exposure_exports`, which also claims the window against a racing exporter), then the SHA-256 of
 * each zip is appended to the ledger as `export-batch`, and only then is the file listed and
 * served: a published file can never be silently altered or withdrawn. A file stored by a run that
 * stopped before its ledger entry is logged by the next. Windows without new keys produce nothing;
 * a window is exported once, and never one older than 14 days. Deleting old keys and files is
 * exposure/retention's job.
 */
import { and, asc, eq, gte, isNotNull, lt, max } from 'drizzle-orm'
import { sha256, toHex } from '../../core/codec/index.ts'
import {
  ECDSA_SHA256_OID,
  type ExportKey,
  encodeExport,
  encodeSignatureList,
  type SignatureInfo,
  signExportBin,
  zipExport,
} from '../../core/gaen/index.ts'
import { roundToHour } from '../../core/leaf/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { exposureExports, exposureKeys } from '../../platform/db/index.ts'
import { padKeys, sortKeys } from './export-pad.ts'
import { EXPOSURE } from './settings.ts'
import { exposureKey } from './signing-keys.ts'

export interface ExportOptions {
  now?: Date | undefined
  /** Keys per file (default `EXPOSURE.exportMaxRecords`). */
  maxRecords?: number | undefined
}

export interface ExportedFile {
  path: string
  batchStart: string
  batchEnd: string
  batchNum: number
  batchSize: number
  keyCount: number
  sha256: string
  leafIndex: string
}

const DAY_MS = 86_400_000

/** leaf_index of a stored file whose ledger entry is not written yet: it is not served. */
const UNLOGGED = -1n

/** Appends each file's SHA-256 to the ledger, then marks it served; path → leaf index. */
async function logFiles(
  ctx: ServiceContext,
  files: readonly { path: string; hash: Uint8Array }[],
  keyId: string,
  now: number,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>()
  if (files.length === 0) return out
  const time = roundToHour(Math.floor(now / 1000))
  const logged = await ctx.ledger.append(
    files.map((f) => ({ kind: 'export-batch' as const, artefactHash: f.hash, keyId, time })),
  )
  if (logged.length !== files.length) throw new Error('the ledger returned too few entries')
  for (const [i, f] of files.entries()) {
    const leafIndex = (logged[i] as (typeof logged)[number]).index
    await ctx.db
      .update(exposureExports)
      .set({ leafIndex })
      .where(and(eq(exposureExports.path, f.path), eq(exposureExports.leafIndex, UNLOGGED)))
    out.set(f.path, leafIndex)
  }
  return out
}

/** Files stored by a run that stopped before the ledger append: logged now, then served. */
async function logUnlogged(ctx: ServiceContext, keyId: string, now: number): Promise<void> {
  const rows = await ctx.db
    .select({ path: exposureExports.path, hash: exposureExports.sha256 })
    .from(exposureExports)
    .where(eq(exposureExports.leafIndex, UNLOGGED))
    .orderBy(asc(exposureExports.batchStart), asc(exposureExports.path))
  await logFiles(ctx, rows, keyId, now)
}

/** `<start>-<end>-<NNNNN>.zip` (POSIX seconds), as ENS names its files. */
export const exportPath = (startMs: number, endMs: number, n: number) =>
  `${startMs / 1000}-${endMs / 1000}-${String(n).padStart(5, '0')}.zip`

export const EXPORT_PATH = /^\d{1,12}-\d{1,12}-\d{5}\.zip$/

/** Exports every closed window not exported yet; returns the files written (oldest first). */
export async function exportBatch(
  ctx: ServiceContext,
  options: ExportOptions = {},
): Promise<ExportedFile[]> {
  const now = (options.now ?? ctx.clock.now()).getTime()
  const maxRecords = Math.max(1, options.maxRecords ?? EXPOSURE.exportMaxRecords)
  const W = EXPOSURE.exportWindowMs
  const lastEnd = Math.floor((now - EXPOSURE.minWindowAgeMs) / W) * W
  const signer = await exposureKey(ctx, 'export')
  await logUnlogged(ctx, signer.id, now)
  const [done] = await ctx.db.select({ end: max(exposureExports.batchEnd) }).from(exposureExports)
  const retention = Math.floor((now - EXPOSURE.maxAgeDays * DAY_MS) / W) * W
  const from = Math.max(done?.end ? new Date(done.end).getTime() : retention, retention)
  if (from >= lastEnd) return []

  const rows = await ctx.db
    .select()
    .from(exposureKeys)
    .where(
      and(
        gte(exposureKeys.availableHour, new Date(from)),
        lt(exposureKeys.availableHour, new Date(lastEnd)),
      ),
    )
    .orderBy(asc(exposureKeys.availableHour))
  const revised = await ctx.db
    .select()
    .from(exposureKeys)
    .where(
      and(
        isNotNull(exposureKeys.revisedHour),
        gte(exposureKeys.revisedHour, new Date(from)),
        lt(exposureKeys.revisedHour, new Date(lastEnd)),
      ),
    )
  const windows = new Map<number, { keys: ExportKey[]; revised: ExportKey[] }>()
  const slot = (ms: number) => {
    const start = Math.floor(ms / W) * W
    let w = windows.get(start)
    if (w === undefined) {
      w = { keys: [], revised: [] }
      windows.set(start, w)
    }
    return w
  }
  const toKey = (r: (typeof rows)[number], reportType: number): ExportKey => ({
    keyData: r.keyData,
    transmissionRiskLevel: r.transmissionRisk,
    rollingStartIntervalNumber: r.rollingStart,
    rollingPeriod: r.rollingPeriod,
    reportType,
    daysSinceOnsetOfSymptoms: r.daysSinceOnset ?? undefined,
  })
  for (const r of rows) slot(new Date(r.availableHour).getTime()).keys.push(toKey(r, r.reportType))
  for (const r of revised)
    slot(new Date(r.revisedHour as Date).getTime()).revised.push(
      toKey(r, r.revisedReportType ?? r.reportType),
    )

  const info: SignatureInfo = { ...EXPOSURE.signatureInfo, signatureAlgorithm: ECDSA_SHA256_OID }
  const out: ExportedFile[] = []
  for (const start of [...windows.keys()].sort((a, b) => a - b)) {
    const w = windows.get(start) as { keys: ExportKey[]; revised: ExportKey[] }
    const end = start + W
    const keys = sortKeys(padKeys(w.keys, ctx.random))
    const revisedKeys = sortKeys(w.revised)
    const files: ExportKey[][] = []
    for (let i = 0; i < keys.length; i += maxRecords) files.push(keys.slice(i, i + maxRecords))
    if (files.length === 0) files.push([])
    const batchSize = files.length
    const built: { path: string; zip: Uint8Array; hash: Uint8Array; count: number }[] = []
    for (const [i, fileKeys] of files.entries()) {
      const batchNum = i + 1
      const bin = encodeExport({
        startTimestamp: start / 1000,
        endTimestamp: end / 1000,
        region: EXPOSURE.region,
        batchNum,
        batchSize,
        signatureInfos: [info],
        keys: fileKeys,
        revisedKeys: i === 0 ? revisedKeys : [],
      })
      const signature = await signExportBin(signer.privateKey, bin)
      const sig = encodeSignatureList([{ signatureInfo: info, batchNum, batchSize, signature }])
      const zip = zipExport(bin, sig)
      built.push({
        path: exportPath(start, end, batchNum),
        zip,
        hash: await sha256(zip),
        count: fileKeys.length,
      })
    }
    // Durable first, and a claim: a second exporter racing for this window inserts nothing.
    const claimed = await ctx.db
      .insert(exposureExports)
      .values(
        built.map((b) => ({
          path: b.path,
          batchStart: new Date(start),
          batchEnd: new Date(end),
          keyCount: b.count,
          zip: b.zip,
          sha256: b.hash,
          leafIndex: UNLOGGED,
        })),
      )
      .onConflictDoNothing()
      .returning({ path: exposureExports.path })
    if (claimed.length === 0) continue
    const mine = new Set(claimed.map((r) => r.path))
    const logged = await logFiles(
      ctx,
      built.filter((b) => mine.has(b.path)),
      signer.id,
      now,
    )
    for (const [i, b] of built.entries()) {
      const leafIndex = logged.get(b.path)
      if (leafIndex === undefined) continue
      out.push({
        path: b.path,
        batchStart: new Date(start).toISOString(),
        batchEnd: new Date(end).toISOString(),
        batchNum: i + 1,
        batchSize,
        keyCount: b.count,
        sha256: toHex(b.hash),
        leafIndex: String(leafIndex),
      })
    }
    ctx.logger.info('exposure export written', {
      window: new Date(start).toISOString(),
      files: batchSize,
      keys: keys.length,
    })
  }
  return out
}

/** index.txt: every export path, oldest first, newest last (the key server's export index). */
export async function exportIndex(ctx: ServiceContext): Promise<string> {
  const rows = await ctx.db
    .select({ path: exposureExports.path })
    .from(exposureExports)
    .where(gte(exposureExports.leafIndex, 0n))
    .orderBy(asc(exposureExports.batchStart), asc(exposureExports.path))
  return rows.map((r) => `${r.path}\n`).join('')
}

/**
 * A published export file's bytes; undefined for any other name, and for a file stored but not
 * yet in the ledger (it is served only once its SHA-256 is logged).
 */
export async function exportFile(
  ctx: ServiceContext,
  path: string,
): Promise<Uint8Array | undefined> {
  if (!EXPORT_PATH.test(path)) return undefined
  const [row] = await ctx.db
    .select({ zip: exposureExports.zip })
    .from(exposureExports)
    .where(and(eq(exposureExports.path, path), gte(exposureExports.leafIndex, 0n)))
  return row?.zip
}
