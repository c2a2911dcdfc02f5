/**
 * @module tools/monitor/monitor
 * `vigil monitor`: follows a Vigil log over its public HTTP API, as anyone can (docs/WITNESSES.md).
 * Each step checks the new checkpoint's signature against the pinned log key and its consistency
 * with the last one seen (the log's RFC 9162 proof, and again by recomputing the root from the
 * new entries read through tiles onto the compact range kept in the state), recomputes the public
 * totals (credentials issued and revoked per issuer key and UTC day) and alerts on issuer-key
 * entries it was not told to expect, and on web releases (`verifier-release`, key id web:<n>)
 * that the deployment's release feed does not announce with the same manifest hash at that index
 * (docs/RELEASES.md). It lists the DCC trust-list snapshots logged (`trust-list`), so a list
 * that changed is seen. The state is a small JSON value the caller stores.
 */
import { equalBytes, fromBase64, toBase64, toHex } from '../../core/codec/index.ts'
import { decodeEntry } from '../../core/leaf/index.ts'
import { CompactRange, hashLeaf, verifyConsistency } from '../../core/merkle/index.ts'
import {
  createEd25519Verifier,
  openNote,
  parseCheckpoint,
  parseNote,
} from '../../core/note/index.ts'
import type { RemoteSource } from '../audit/index.ts'

export interface MonitorState {
  vkey: string
  size: string
  /** Standard base64 root of `size`. */
  root: string
  /** The signed checkpoint note of `size`. */
  note: string
  /** The compact range of the first `size` leaves (base64), to extend with new entries. */
  range: string
  /** kind (credential | revocation) → issuer key id → UTC day → count. */
  totals: Record<string, Record<string, Record<string, number>>>
  /** Issuer keys announced in the log, in log order. */
  issuerKeys: string[]
  /** Web release entries seen, in log order: `web:<n>` (absent in states of older monitors). */
  releases?: string[]
  /**
   * DCC trust-list snapshots logged (`trust-list`, key id dcc:<name>), in log order: a list that
   * changed shows as a new hash under its name (absent in states of older monitors).
   */
  trustLists?: { index: string; keyId: string; sha256: string }[]
}

export type MonitorAlertCode =
  /** The checkpoint is not signed by the pinned log key. */
  | 'MONITOR_BAD_SIGNATURE'
  /** Two signed checkpoints that cannot both hold (same size, other root; or a failing proof). */
  | 'MONITOR_INCONSISTENT'
  /** The entries served do not recompute the signed root, or some are missing. */
  | 'MONITOR_ENTRIES_MISMATCH'
  /** An issuer-key entry for a key not in the expected set. */
  | 'MONITOR_UNEXPECTED_KEY'
  /** A web release entry the deployment's release feed does not announce (or not as logged). */
  | 'MONITOR_RELEASE_UNANNOUNCED'

export interface MonitorAlert {
  code: MonitorAlertCode
  message: string
  index?: string
}

export interface MonitorStep {
  state: MonitorState
  alerts: MonitorAlert[]
  /** Entries read in this step. */
  entries: number
  /** Whether the state advanced (false after an inconsistency: the old head is kept). */
  advanced: boolean
}

export interface MonitorOptions {
  vkey: string
  /** Issuer key ids that may appear in issuer-key entries (undefined: any, no alert). */
  expectKeys?: ReadonlySet<string>
  /** The deployment's release feed (GET /release/feed.json); undefined: releases unchecked. */
  releaseFeed?: () => Promise<readonly AnnouncedRelease[]>
}

/** A release as the feed announces it (core/release ReleaseRecord, the fields checked). */
export interface AnnouncedRelease {
  release: number
  sha256: string
  leafIndex: number | null
}

/** The remote log: its head and entries as the audit reads them, its proofs from the log client. */
export type MonitorSource = Pick<RemoteSource, 'head' | 'entries' | 'log'>

const PAGE = 4096n
const TOTAL_KINDS = new Set(['credential', 'revocation'])

export function emptyState(vkey: string): MonitorState {
  const range = CompactRange.empty()
  return {
    vkey,
    size: '0',
    root: toBase64(range.root()),
    note: '',
    range: toBase64(range.encode()),
    totals: {},
    issuerKeys: [],
    releases: [],
    trustLists: [],
  }
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e))

export async function monitorStep(
  source: MonitorSource,
  previous: MonitorState,
  options: MonitorOptions,
): Promise<MonitorStep> {
  const alerts: MonitorAlert[] = []
  const unchanged = (entries = 0): MonitorStep => ({
    state: previous,
    alerts,
    entries,
    advanced: false,
  })
  const note = (await source.head()).note ?? ''
  try {
    await openNote(note, [await createEd25519Verifier(options.vkey)])
  } catch (e) {
    alerts.push({
      code: 'MONITOR_BAD_SIGNATURE',
      message: `checkpoint not signed by the log key: ${reason(e)}`,
    })
    return unchanged()
  }
  const { size, root } = parseCheckpoint(parseNote(note).text)
  const oldSize = BigInt(previous.size)
  const oldRoot = fromBase64(previous.root)
  const inconsistent = (message: string) => {
    alerts.push({ code: 'MONITOR_INCONSISTENT', message })
    return unchanged()
  }
  if (size === oldSize) {
    if (!equalBytes(root, oldRoot))
      return inconsistent(`two different trees of size ${size} are signed`)
    return unchanged()
  }
  // Either direction, the smaller tree must be a prefix of the larger one.
  const [a, b] =
    size < oldSize
      ? [
          { size, root },
          { size: oldSize, root: oldRoot },
        ]
      : [
          { size: oldSize, root: oldRoot },
          { size, root },
        ]
  if (a.size > 0n) {
    try {
      verifyConsistency(
        a.size,
        b.size,
        a.root,
        b.root,
        await source.log.consistencyProof(a.size, b.size),
      )
    } catch (e) {
      return inconsistent(
        `the tree of size ${b.size} does not extend the one of size ${a.size}: ${reason(e)}`,
      )
    }
  }
  if (size < oldSize) return unchanged() // an older checkpoint, consistent: nothing new

  let range = CompactRange.decode(fromBase64(previous.range))
  const totals = structuredClone(previous.totals)
  const issuerKeys = [...previous.issuerKeys]
  const releases = [...(previous.releases ?? [])]
  const trustLists = [...(previous.trustLists ?? [])]
  const logged: { index: bigint; keyId: string; sha256: string }[] = []
  let read = 0
  for (let start = oldSize; start < size; ) {
    const end = start + PAGE < size ? start + PAGE : size
    const rows = (await source.entries(start, end)).filter((r) => r.index >= start && r.index < end)
    if (rows.length !== Number(end - start) || rows.some((r, i) => r.index !== start + BigInt(i))) {
      alerts.push({
        code: 'MONITOR_ENTRIES_MISMATCH',
        message: `entries ${start}..${end - 1n} are not all served`,
      })
      return unchanged(read)
    }
    range = range.append(rows.map((r) => hashLeaf(r.entry))).range
    for (const row of rows) {
      read++
      let entry: ReturnType<typeof decodeEntry>
      try {
        entry = decodeEntry(row.entry)
      } catch (e) {
        alerts.push({
          code: 'MONITOR_ENTRIES_MISMATCH',
          message: reason(e),
          index: String(row.index),
        })
        continue
      }
      if (TOTAL_KINDS.has(entry.kind)) {
        const day = new Date(entry.time * 1000).toISOString().slice(0, 10)
        const byKey = totals[entry.kind] ?? {}
        const byDay = byKey[entry.keyId] ?? {}
        byDay[day] = (byDay[day] ?? 0) + 1
        byKey[entry.keyId] = byDay
        totals[entry.kind] = byKey
      } else if (entry.kind === 'issuer-key') {
        issuerKeys.push(entry.keyId)
        if (options.expectKeys !== undefined && !options.expectKeys.has(entry.keyId))
          alerts.push({
            code: 'MONITOR_UNEXPECTED_KEY',
            message: `issuer key ${entry.keyId} announced at index ${row.index} was not expected`,
            index: String(row.index),
          })
      } else if (entry.kind === 'trust-list') {
        const sha256 = toHex(entry.artefactHash)
        trustLists.push({ index: String(row.index), keyId: entry.keyId, sha256 })
      } else if (entry.kind === 'verifier-release' && entry.keyId.startsWith('web:')) {
        releases.push(entry.keyId)
        logged.push({ index: row.index, keyId: entry.keyId, sha256: toHex(entry.artefactHash) })
      }
    }
    start = end
  }
  if (!equalBytes(range.root(), root)) {
    alerts.push({
      code: 'MONITOR_ENTRIES_MISMATCH',
      message: `the entries do not give the signed root of size ${size}`,
    })
    return unchanged(read)
  }
  if (logged.length > 0 && options.releaseFeed !== undefined) {
    alerts.push(...(await unannounced(logged, options.releaseFeed)))
  }
  return {
    state: {
      vkey: options.vkey,
      size: String(size),
      root: toBase64(root),
      note,
      range: toBase64(range.encode()),
      totals,
      issuerKeys,
      releases,
      trustLists,
    },
    alerts,
    entries: read,
    advanced: true,
  }
}

/** Release entries the feed does not list as `web:<release>` with that hash at that index. */
async function unannounced(
  logged: readonly { index: bigint; keyId: string; sha256: string }[],
  feed: () => Promise<readonly AnnouncedRelease[]>,
): Promise<MonitorAlert[]> {
  let announced: readonly AnnouncedRelease[]
  try {
    announced = await feed()
  } catch (e) {
    return logged.map((r) => ({
      code: 'MONITOR_RELEASE_UNANNOUNCED' as const,
      message: `release ${r.keyId} at index ${r.index}: the release feed could not be read (${reason(e)})`,
      index: String(r.index),
    }))
  }
  return logged
    .filter(
      (r) =>
        !announced.some(
          (a) =>
            `web:${a.release}` === r.keyId &&
            a.sha256 === r.sha256 &&
            a.leafIndex !== null &&
            BigInt(a.leafIndex) === r.index,
        ),
    )
    .map((r) => ({
      code: 'MONITOR_RELEASE_UNANNOUNCED' as const,
      message: `release ${r.keyId} (manifest ${r.sha256.slice(0, 16)}…) logged at index ${r.index} is not in the deployment's release feed`,
      index: String(r.index),
    }))
}
