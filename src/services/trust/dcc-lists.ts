/**
 * @module services/trust/dcc-lists
 * EU DCC / GDHCN trust lists as data with history (docs/VERIFIER.md "EU and WHO certificates").
 * An import keeps the exact bytes, checks them with the core loaders (list signature, CSCA → DSC
 * chain, country, kid), and records a snapshot whose SHA-256 is appended to the log as a
 * `trust-list` entry (key id `dcc:<name>`), queued in the transaction that stores it. The same
 * bytes imported again log nothing; they only renew the list's age. Revocation hash lists are
 * snapshots of the same kind (format `revocations`). The latest snapshot of every name makes
 * the signed `/trust/dcc` document verifiers cache.
 */
import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm'
import { equalBytes, sha256, toBase64, toHex } from '../../core/codec/index.ts'
import {
  DccListError,
  type DccListFormat,
  type DccListProblem,
  type DidSigningKeys,
  loadDccList,
  loadDccRevocations,
} from '../../core/dcc/index.ts'
import { type LogEntry, roundToHour } from '../../core/leaf/index.ts'
import { parseVerifierKey } from '../../core/note/index.ts'
import {
  DCC_TRUST_FORMAT,
  type DccListInfo,
  type DccTrustDocument,
  signDccTrust,
} from '../../core/verify/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { dccTrustSnapshots, logEntries, type StoredDccSigner } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { jsonLdDidProofPayload } from '../../platform/jsonld/index.ts'
import { activeLogKey } from '../ledger/index.ts'
import { logVkey } from './material.ts'

/** Two days: EU verifier apps refresh daily; a venue offline over a weekend still verifies. */
export const DEFAULT_DCC_LIST_MAX_AGE = 2 * 86_400
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

type Row = typeof dccTrustSnapshots.$inferSelect

export interface DccSnapshotView {
  name: string
  version: number
  format: string
  source: string
  sha256: string
  signers: number
  revoked: number
  problems: DccListProblem[]
  maxAge: number
  importedAt: string
  checkedAt: string
  leafIndex: number | null
  /** False when the same bytes were already the latest snapshot: nothing new was logged. */
  changed: boolean
  /** On import only (not stored): what the loader could not check, e.g. unsigned entries. */
  warnings?: DccListProblem[]
}

/** The ledger key id of a list's entries. */
export const dccListKeyId = (name: string) => `dcc:${name}`

const seconds = (d: Date) => Math.floor(d.getTime() / 1000)

function view(row: Row, changed: boolean): DccSnapshotView {
  return {
    name: row.name,
    version: row.version,
    format: row.format,
    source: row.source,
    sha256: toHex(row.sha256),
    signers: row.signers.length,
    revoked: Object.values(row.revocations ?? {}).reduce(
      (n, byType) => n + Object.values(byType).reduce((m, h) => m + h.length, 0),
      0,
    ),
    problems: row.problems as DccListProblem[],
    maxAge: row.maxAge,
    importedAt: row.importedAt.toISOString(),
    checkedAt: row.checkedAt.toISOString(),
    leafIndex: row.leafIndex,
    changed,
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new ServiceError('VALIDATION', 'a list name is lowercase letters, digits and -', {
      field: 'name',
    })
  }
}

function checkMaxAge(maxAge: number | undefined): number {
  const value = maxAge ?? DEFAULT_DCC_LIST_MAX_AGE
  if (!Number.isSafeInteger(value) || value < 60 || value > 365 * 86_400) {
    throw new ServiceError('VALIDATION', 'maxAge is seconds, from 60 to a year', {
      field: 'maxAge',
    })
  }
  return value
}

interface Snapshot {
  name: string
  format: string
  source: string
  content: Uint8Array
  signers: StoredDccSigner[]
  revocations: Row['revocations']
  problems: DccListProblem[]
  maxAge: number
}

/** Stores a snapshot and queues its entry, or renews the age of identical latest bytes. */
async function record(ctx: ServiceContext, s: Snapshot): Promise<DccSnapshotView> {
  const actor = requireActor(ctx)
  const now = new Date(seconds(ctx.clock.now()) * 1000)
  const hash = await sha256(s.content)
  const result = await ctx.db.transaction(async (tx) => {
    const [latest] = await tx
      .select()
      .from(dccTrustSnapshots)
      .where(eq(dccTrustSnapshots.name, s.name))
      .orderBy(desc(dccTrustSnapshots.version))
      .limit(1)
      .for('update')
    if (latest !== undefined && latest.format !== s.format) {
      throw new ServiceError('CONFLICT', `${s.name} is a ${latest.format} list`, {
        field: 'format',
      })
    }
    if (latest !== undefined && equalBytes(latest.sha256, hash)) {
      const [renewed] = await tx
        .update(dccTrustSnapshots)
        .set({ checkedAt: now, maxAge: s.maxAge })
        .where(
          and(eq(dccTrustSnapshots.name, s.name), eq(dccTrustSnapshots.version, latest.version)),
        )
        .returning()
      return { row: renewed ?? latest, changed: false }
    }
    const [inserted] = await tx
      .insert(dccTrustSnapshots)
      .values({
        ...s,
        version: (latest?.version ?? 0) + 1,
        sha256: hash,
        importedBy: actor.id,
        importedAt: now,
        checkedAt: now,
      })
      .onConflictDoNothing()
      .returning()
    if (inserted === undefined) {
      throw new ServiceError('CONFLICT', `${s.name} was imported at the same time`, {
        field: 'name',
      })
    }
    const entry: LogEntry = {
      kind: 'trust-list',
      artefactHash: hash,
      keyId: dccListKeyId(s.name),
      time: roundToHour(seconds(now)),
    }
    const [pendingId] = await ctx.ledger.queue(tx, [entry])
    await tx
      .update(dccTrustSnapshots)
      .set({ pendingId })
      .where(
        and(eq(dccTrustSnapshots.name, s.name), eq(dccTrustSnapshots.version, inserted.version)),
      )
    return { row: inserted, changed: true }
  })
  if (result.changed) {
    await ctx.ledger.flush()
    await placeSnapshots(ctx)
  }
  const [placed] = await ctx.db
    .select()
    .from(dccTrustSnapshots)
    .where(
      and(eq(dccTrustSnapshots.name, s.name), eq(dccTrustSnapshots.version, result.row.version)),
    )
  return view(placed ?? result.row, result.changed)
}

/** placeSnapshots only when some snapshot waits for its index: reads stay reads otherwise. */
async function placePending(ctx: ServiceContext): Promise<void> {
  const pending = await ctx.db
    .select({ v: dccTrustSnapshots.version })
    .from(dccTrustSnapshots)
    .where(isNull(dccTrustSnapshots.leafIndex))
    .limit(1)
  if (pending.length > 0) await placeSnapshots(ctx)
}

/** Fills in the ledger index of snapshots whose entries have been integrated. */
async function placeSnapshots(ctx: ServiceContext): Promise<void> {
  await ctx.db.execute(sql`
    update ${dccTrustSnapshots} s set leaf_index = e.idx
    from ${logEntries} e
    where s.leaf_index is null and s.pending_id = e.pending_id`)
}

export interface DccListImport {
  name: string
  format: DccListFormat
  /** The exact bytes published (their hash is what the log commits to). */
  content: Uint8Array
  source?: string
  maxAge?: number
  /** For a DID list: the pinned keys of the signing DID. */
  signingKeys?: DidSigningKeys
  /** Keep the entries that pass when some are dropped (each is recorded as a problem). */
  allowProblems?: boolean
  /**
   * For an eu-dto list: the EU gateway trust anchor certificates (DER). With them every CSCA,
   * UPLOAD and DSC entry's signature is verified; without, the import warns it was not.
   */
  trustAnchors?: Uint8Array[]
}

/** Imports a DSC trust list (eu-dto, verifier-service, jwks, did); see the module comment. */
export async function importDccList(
  ctx: ServiceContext,
  input: DccListImport,
): Promise<DccSnapshotView> {
  checkName(input.name)
  const maxAge = checkMaxAge(input.maxAge)
  const source = input.source ?? input.name
  const list = await loadDccList(input.format, input.content, {
    source,
    asOf: seconds(ctx.clock.now()),
    ...(input.signingKeys === undefined ? {} : { signingKeys: input.signingKeys }),
    ...(input.trustAnchors === undefined ? {} : { trustAnchors: input.trustAnchors }),
    // The WHO signs GDHCN lists as Linked Data (RDFC-1.0 of document and proof options).
    proofPayload: jsonLdDidProofPayload,
  })
  const [first] = list.problems
  if (first !== undefined && input.allowProblems !== true) {
    throw new DccListError(
      first.code,
      `${first.message} (${list.problems.length} entries refused; allowProblems keeps the rest)`,
      { field: first.kid ?? 'document' },
    )
  }
  if (list.signers.length === 0) {
    throw new DccListError('DCC_LIST_FORMAT', 'the list holds no usable signer', {
      field: 'document',
    })
  }
  const view = await record(ctx, {
    name: input.name,
    format: input.format,
    source,
    content: input.content,
    signers: list.signers.map((s) => ({
      kid: s.kid,
      country: s.country ?? null,
      keyType: s.keyType,
      spki: toBase64(s.spki),
      notBefore: s.notBefore ?? null,
      notAfter: s.notAfter ?? null,
      eku: s.eku === undefined ? null : [...s.eku],
    })),
    revocations: null,
    problems: [...list.problems],
    maxAge,
  })
  return list.warnings === undefined ? view : { ...view, warnings: [...list.warnings] }
}

/** Imports a revocation hash list (`vigil-dcc-revocations/v1`). */
export async function importDccRevocations(
  ctx: ServiceContext,
  input: { name: string; content: Uint8Array; source?: string; maxAge?: number },
): Promise<DccSnapshotView> {
  checkName(input.name)
  const maxAge = checkMaxAge(input.maxAge)
  const source = input.source ?? input.name
  const loaded = loadDccRevocations(input.content, { source, asOf: seconds(ctx.clock.now()) })
  return record(ctx, {
    name: input.name,
    format: 'revocations',
    source,
    content: input.content,
    signers: [],
    revocations: loaded.revoked as Row['revocations'],
    problems: [...loaded.problems],
    maxAge,
  })
}

/** Every snapshot (history), newest first; or one name's. */
export async function listDccSnapshots(
  ctx: ServiceContext,
  name?: string,
): Promise<DccSnapshotView[]> {
  await placePending(ctx)
  const rows = await ctx.db
    .select()
    .from(dccTrustSnapshots)
    .where(name === undefined ? undefined : eq(dccTrustSnapshots.name, name))
    .orderBy(dccTrustSnapshots.name, desc(dccTrustSnapshots.version))
  return rows.map((r) => view(r, true))
}

function info(row: Omit<Row, 'content'>): DccListInfo {
  return {
    name: row.name,
    format: row.format,
    source: row.source,
    version: row.version,
    sha256: toHex(row.sha256),
    leafIndex: row.leafIndex,
    entryTime: roundToHour(seconds(row.importedAt)),
    asOf: seconds(row.checkedAt),
    maxAge: row.maxAge,
  }
}

/** The latest snapshot of every name, as verifiers get it. */
export async function assembleDccTrust(ctx: ServiceContext): Promise<DccTrustDocument> {
  await placePending(ctx)
  // Every version's metadata, newest first (the bytes stay in the table): the first per name wins.
  const { content: _content, ...columns } = getTableColumns(dccTrustSnapshots)
  const rows = await ctx.db
    .select(columns)
    .from(dccTrustSnapshots)
    .orderBy(dccTrustSnapshots.name, desc(dccTrustSnapshots.version))
  const current = rows.filter((r, i) => rows[i - 1]?.name !== r.name)
  return {
    format: DCC_TRUST_FORMAT,
    log: await (async () => {
      const vkey = await logVkey(ctx)
      return { origin: parseVerifierKey(vkey).name, vkey }
    })(),
    issuedAt: seconds(ctx.clock.now()),
    lists: current
      .filter((r) => r.format !== 'revocations')
      .map((r) => ({ ...info(r), signers: r.signers })),
    revocations: current
      .filter((r) => r.format === 'revocations')
      .map((r) => ({ ...info(r), revoked: r.revocations ?? {} })),
  }
}

/** The document as a compact JWS signed with the log's Ed25519 key. */
export async function signedDccTrust(ctx: ServiceContext): Promise<string> {
  const doc = await assembleDccTrust(ctx)
  const { key } = await activeLogKey(ctx)
  return signDccTrust(doc, key.privateKey)
}
