/**
 * @module services/shl/serve
 * The manifest server (IG §Manifest Request, §Manifest File, §files.location, §Direct File
 * Request). Anyone holding the link may ask; the answer is 404 for a link that is deactivated,
 * expired, locked by wrong passcodes or unknown (one answer, so none can be told apart), 401
 * with `remainingAttempts` for a wrong passcode. The lifetime limit on wrong passcodes holds under
 * parallel requests: each wrong one is counted by one conditional UPDATE (`attempts_left - 1
 * WHERE attempts_left > 0`, RETURNING), which Postgres serialises on the row, never by a read and
 * a later write. Each access is logged for the owner: time and the recipient's own words only.
 */
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import { sha256, toBase64Url, utf8 } from '../../core/codec/index.ts'
import { readFlags, type ShlManifest, type ShlManifestFile } from '../../core/shl/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import {
  credentialPersonalData,
  credentials,
  rowsOf,
  shlAccess,
  shlFiles,
  shlLinks,
  shlTickets,
  toBigInt,
} from '../../platform/db/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { checkPasscode } from '../../platform/node-crypto/index.ts'
import { keyAad, readMembers } from './create.ts'
import { type ShlSelection, sealFiles } from './files.ts'
import { serveFlagless } from './flagless.ts'
import { recipientLabel, ShlManifestBody } from './input.ts'
import { type LinkRow, MANIFEST_ID, SHL_PATH, stateOf, urlHash } from './links.ts'

/** Files up to this long are embedded when the receiver sets no `embeddedLengthMax`. */
export const DEFAULT_EMBEDDED_MAX = 262_144
/** A `location` URL's lifetime (IG: at most one hour) and it serves once. */
export const TICKET_SECONDS = 300
/** A long-term link's receivers are asked to poll no faster than this (IG §Polling). */
export const POLL_SECONDS = 3600

const notFound = () =>
  new ServiceError('SHL_NOT_FOUND', 'no active SMART Health Link here', { field: 'url' })

/** The link at `manifestId`, if it can be served now (its owner's record still held). */
async function liveLink(ctx: ServiceContext, manifestId: string): Promise<LinkRow> {
  if (!MANIFEST_ID.test(manifestId)) throw notFound()
  const [link] = await ctx.db
    .select()
    .from(shlLinks)
    .where(eq(shlLinks.urlHash, await urlHash(manifestId)))
  if (link === undefined || stateOf(link, ctx.clock.now()) !== 'active') throw notFound()
  return link
}

/**
 * Counts one wrong passcode and logs it, in one statement: the UPDATE takes the row lock, so of
 * any number of parallel wrong guesses exactly `attempts_left` are counted; the rest find 0 and
 * are refused as the disabled link they now face.
 */
async function countWrongPasscode(
  ctx: ServiceContext,
  link: LinkRow,
  recipient: string,
): Promise<never> {
  const rows = rowsOf<{ attempts_left: number }>(
    await ctx.db.execute(sql`
      WITH counted AS (
        UPDATE ${shlLinks} SET attempts_left = attempts_left - 1
        WHERE id = ${link.id} AND active AND attempts_left > 0
        RETURNING id, attempts_left
      ), logged AS (
        INSERT INTO ${shlAccess} (link_id, at, recipient, outcome)
        SELECT id, ${ctx.clock.now().toISOString()}::timestamptz, ${recipient}, 'passcode-wrong' FROM counted
      )
      SELECT attempts_left FROM counted`),
  )
  const left = rows[0]?.attempts_left
  if (left === undefined) throw notFound()
  throw new ServiceError('SHL_PASSCODE_WRONG', 'the passcode is not right', {
    field: 'passcode',
    members: { remainingAttempts: Number(left) },
  })
}

export interface FileRow {
  id: bigint
  contentType: string
  jwe: string
}

/**
 * Logs a served access and reads the link's files now, in one round trip — if the link is still
 * servable at this instant (a parallel wrong passcode may have just locked it, or its owner
 * turned it off): undefined if not. A one-card file whose credential is no longer valid is left
 * out (revocation reaches every link at once).
 */
async function logAndReadFiles(
  ctx: ServiceContext,
  link: LinkRow,
  recipient: string,
  outcome: 'manifest' | 'file',
): Promise<FileRow[] | undefined> {
  const rows = rowsOf<{
    logged: unknown
    id: unknown
    content_type: string | null
    jwe: string | null
  }>(
    await ctx.db.execute(sql`
      WITH logged AS (
        INSERT INTO ${shlAccess} (link_id, at, recipient, outcome)
        SELECT id, ${ctx.clock.now().toISOString()}::timestamptz, ${recipient}, ${outcome}
        FROM ${shlLinks}
        WHERE id = ${link.id} AND active AND (attempts_left IS NULL OR attempts_left > 0)
        RETURNING link_id
      )
      SELECT l.link_id AS logged, f.id, f.content_type, f.jwe
      FROM logged l
      LEFT JOIN (
        SELECT f.id, f.content_type, f.jwe, f.position
        FROM ${shlFiles} f LEFT JOIN ${credentials} c ON c.id = f.credential_id
        WHERE f.link_id = ${link.id} AND (f.credential_id IS NULL OR c.status = 'active')
      ) f ON true
      ORDER BY f.position`),
  )
  if (rows.length === 0) return undefined
  return rows.flatMap((r) =>
    r.id === null || r.content_type === null || r.jwe === null
      ? []
      : [{ id: toBigInt(r.id), contentType: r.content_type, jwe: r.jwe }],
  )
}

/**
 * A long-term link follows its holder's records (IG flag L): when the valid credentials of the
 * chosen kinds differ from those its files were made from, the files are made again under the
 * same key (IG §Update Shared Files), with fresh IVs. Under the row lock, so two requests at once
 * rebuild once.
 */
async function followRecords(ctx: ServiceContext, link: LinkRow): Promise<void> {
  const selection = link.selection as ShlSelection
  const current = await currentMembers(ctx, link.ownerId, selection.kinds)
  if (current.join(',') === link.members) return
  await ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx }
    const [locked] = await tx
      .select({ members: shlLinks.members, keySealed: shlLinks.keySealed })
      .from(shlLinks)
      .where(eq(shlLinks.id, link.id))
      .for('update')
    if (locked === undefined || locked.members === current.join(',') || locked.keySealed === null)
      return
    const key = await ctx.keys.unsealData(locked.keySealed, keyAad(link.id))
    const members = await readMembers(txCtx, current)
    const files = await sealFiles(txCtx, key, members, selection, readFlags(link.flag).single)
    const now = ctx.clock.now()
    await tx.delete(shlFiles).where(eq(shlFiles.linkId, link.id))
    if (files.length > 0) {
      await tx
        .insert(shlFiles)
        .values(files.map((f, position) => ({ ...f, linkId: link.id, position, createdAt: now })))
    }
    await tx
      .update(shlLinks)
      .set({ members: members.map((m) => m.id).join(','), updatedAt: now })
      .where(eq(shlLinks.id, link.id))
  })
}

/**
 * The holder's valid credentials of `kinds`, oldest first, in one query: those sharing the
 * owner's keyed search hash (holder.ts), or the owner's own when it has none.
 */
async function currentMembers(
  ctx: ServiceContext,
  ownerId: string,
  kinds: readonly string[],
): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await ctx.db.execute(sql`
      SELECT c.id FROM ${credentials} c
      JOIN ${credentialPersonalData} p ON p.credential_id = c.id
      JOIN ${credentialPersonalData} o ON o.credential_id = ${ownerId}
      WHERE c.status = 'active'
        AND c.kind IN (${sql.join(
          kinds.map((k) => sql`${k}`),
          sql`, `,
        )})
        AND (p.search_key = o.search_key OR c.id = o.credential_id)
      ORDER BY c.issued_at, c.id`),
  )
  return rows.map((r) => String(r.id))
}

export interface ServedManifest {
  readonly manifest: ShlManifest
  /** Seconds a long-term link's receiver should wait before polling again (Retry-After). */
  readonly retryAfter: number | undefined
}

/** POST <manifest URL>: the manifest, or SHL_NOT_FOUND / SHL_PASSCODE_WRONG. */
export async function serveShlManifest(
  ctx: ServiceContext,
  { manifestId, body }: { manifestId: string; body: unknown },
): Promise<ServedManifest> {
  const parsed = ShlManifestBody.safeParse(body)
  if (!parsed.success) throw validationError(parsed.error.issues, 'invalid manifest request')
  const request = parsed.data
  if (!MANIFEST_ID.test(manifestId)) throw notFound()
  const recipient = recipientLabel(request.recipient)
  const quick = await serveFlagless(ctx.db, await urlHash(manifestId), recipient, ctx.clock.now())
  if (quick === undefined) throw notFound()
  const { files, updatedAt, flags } =
    'files' in quick
      ? { ...quick, flags: readFlags('') }
      : await serveFlagged(ctx, manifestId, recipient, request.passcode)
  const max = request.embeddedLengthMax ?? DEFAULT_EMBEDDED_MAX
  const now = ctx.clock.now()
  const lastUpdated = updatedAt.toISOString()
  const tickets: { tokenHash: Uint8Array; fileId: bigint; expiresAt: Date }[] = []
  const entries: ShlManifestFile[] = []
  for (const f of files) {
    const extra = {
      lastUpdated,
      status: flags.longTerm ? 'can-change' : 'finalized',
      ...(f.contentType === 'application/fhir+json' ? { fhirVersion: '4.0.1' } : {}),
    }
    if (f.jwe.length <= max) {
      entries.push({ contentType: f.contentType, embedded: f.jwe, ...extra })
      continue
    }
    const token = toBase64Url(ctx.random(32))
    tickets.push({
      tokenHash: await sha256(utf8(token)),
      fileId: f.id,
      expiresAt: new Date(now.getTime() + TICKET_SECONDS * 1000),
    })
    entries.push({
      contentType: f.contentType,
      location: `${ctx.config.publicUrl}${SHL_PATH}file/${token}`,
      ...extra,
    })
  }
  if (tickets.length > 0) {
    await ctx.db.delete(shlTickets).where(lt(shlTickets.expiresAt, now))
    await ctx.db.insert(shlTickets).values(tickets)
  }
  return {
    manifest: { files: entries },
    retryAfter: flags.longTerm ? POLL_SECONDS : undefined,
  }
}

/** A link with a flag: the passcode checked, a long-term link's records followed, then served. */
async function serveFlagged(
  ctx: ServiceContext,
  manifestId: string,
  recipient: string,
  passcode: string | undefined,
) {
  const link = await liveLink(ctx, manifestId)
  const flags = readFlags(link.flag)
  // A U link has no manifest: its url is the file (IG §Direct File Request).
  if (flags.single) throw notFound()
  if (flags.passcode) {
    const given = passcode ?? ''
    const right = given !== '' && (await checkPasscode(given, link.passcodeHash ?? ''))
    if (!right) await countWrongPasscode(ctx, link, recipient)
  }
  if (flags.longTerm) await followRecords(ctx, link)
  const files = await logAndReadFiles(ctx, link, recipient, 'manifest')
  if (files === undefined) throw notFound()
  const [updated] = flags.longTerm
    ? await ctx.db.select({ at: shlLinks.updatedAt }).from(shlLinks).where(eq(shlLinks.id, link.id))
    : [{ at: link.updatedAt }]
  return { files, updatedAt: updated?.at ?? link.updatedAt, flags }
}

/** GET <url>?recipient= of a U link: its one encrypted file. */
export async function serveShlDirect(
  ctx: ServiceContext,
  { manifestId, recipient }: { manifestId: string; recipient: string | undefined },
): Promise<string> {
  if (recipient === undefined || recipient.trim() === '') {
    throw new ServiceError('VALIDATION', 'recipient is required', { field: 'recipient' })
  }
  const link = await liveLink(ctx, manifestId)
  const flags = readFlags(link.flag)
  if (!flags.single) throw notFound()
  if (flags.longTerm) await followRecords(ctx, link)
  const [file] = (await logAndReadFiles(ctx, link, recipientLabel(recipient), 'file')) ?? []
  if (file === undefined) throw notFound()
  return file.jwe
}

/** GET a `location` URL: once, within its lifetime, while the link is active. */
export async function serveShlTicket(ctx: ServiceContext, token: string): Promise<string> {
  const gone = () =>
    new ServiceError('SHL_FILE_GONE', 'this file address was used or has expired', { field: 'url' })
  if (!MANIFEST_ID.test(token)) throw gone()
  // DELETE … RETURNING: of two requests for one ticket, one gets the row.
  const [ticket] = await ctx.db
    .delete(shlTickets)
    .where(
      and(
        eq(shlTickets.tokenHash, await sha256(utf8(token))),
        gt(shlTickets.expiresAt, ctx.clock.now()),
      ),
    )
    .returning({ fileId: shlTickets.fileId })
  if (ticket === undefined) throw gone()
  const [file] = await ctx.db
    .select({ jwe: shlFiles.jwe, link: shlLinks })
    .from(shlFiles)
    .innerJoin(shlLinks, eq(shlLinks.id, shlFiles.linkId))
    .where(eq(shlFiles.id, ticket.fileId))
  if (file === undefined || stateOf(file.link, ctx.clock.now()) !== 'active') throw gone()
  return file.jwe
}
