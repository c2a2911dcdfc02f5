/**
 * @module services/shl/links
 * Where a link lives and how it reads back: the manifest URL (`<public URL>/shl/<43 characters>`,
 * 256 random bits, IG §Establish a SMART Health Link Manifest URL), found again by the SHA-256
 * of its last segment; a link's state; the owner's view of it with its access log.
 */
import { and, count, desc, eq, inArray } from 'drizzle-orm'
import type { ShlLinkState, ShlLinkView } from '../../core/api-types/index.ts'
import { sha256, utf8 } from '../../core/codec/index.ts'
import { readFlags } from '../../core/shl/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { shlAccess, shlFiles, type shlLinks } from '../../platform/db/index.ts'
import type { ShlSelection } from './files.ts'

/** The manifest URL's path: short, so the URL stays within the IG's 128 characters. */
export const SHL_PATH = '/shl/'
/** The last segment: 32 random bytes as base64url. */
export const MANIFEST_ID = /^[A-Za-z0-9_-]{43}$/
const ACCESS_SHOWN = 50

export const manifestUrl = (ctx: ServiceContext, manifestId: string) =>
  `${ctx.config.publicUrl}${SHL_PATH}${manifestId}`

/** The viewer: this deployment's verifier page, which opens `#shlink:/…` itself. */
export const viewerBase = (ctx: ServiceContext) => `${ctx.config.publicUrl}/verify`

export const urlHash = (manifestId: string) => sha256(utf8(manifestId))

export type LinkRow = typeof shlLinks.$inferSelect

export function stateOf(link: LinkRow, now: Date): ShlLinkState {
  if (!link.active) return 'deactivated'
  if (link.expiresAt !== null && link.expiresAt <= now) return 'expired'
  if (link.attemptsLeft !== null && link.attemptsLeft <= 0) return 'locked'
  return 'active'
}

/** The owner's views of `links`, each with its newest access entries and file count. */
export async function linkViews(
  ctx: ServiceContext,
  links: readonly LinkRow[],
): Promise<ShlLinkView[]> {
  if (links.length === 0) return []
  const ids = links.map((l) => l.id)
  const [files, totals] = await Promise.all([
    ctx.db
      .select({ linkId: shlFiles.linkId, n: count() })
      .from(shlFiles)
      .where(inArray(shlFiles.linkId, ids))
      .groupBy(shlFiles.linkId),
    ctx.db
      .select({ linkId: shlAccess.linkId, n: count() })
      .from(shlAccess)
      .where(inArray(shlAccess.linkId, ids))
      .groupBy(shlAccess.linkId),
  ])
  const now = ctx.clock.now()
  return Promise.all(
    links.map(async (link): Promise<ShlLinkView> => {
      const access = await ctx.db
        .select({ at: shlAccess.at, recipient: shlAccess.recipient, outcome: shlAccess.outcome })
        .from(shlAccess)
        .where(and(eq(shlAccess.linkId, link.id)))
        .orderBy(desc(shlAccess.id))
        .limit(ACCESS_SHOWN)
      const flags = readFlags(link.flag)
      const selection = link.selection as ShlSelection
      return {
        id: link.id,
        flag: link.flag,
        label: link.label,
        state: stateOf(link, now),
        createdAt: link.createdAt.toISOString(),
        expiresAt: link.expiresAt?.toISOString() ?? null,
        updatedAt: link.updatedAt.toISOString(),
        passcode: flags.passcode,
        attemptsLeft: link.attemptsLeft,
        longTerm: flags.longTerm,
        singleFile: flags.single,
        kinds: [...selection.kinds],
        cards: selection.cards,
        bundle: selection.bundle,
        credentials: link.members === '' ? [] : link.members.split(','),
        files: files.find((f) => f.linkId === link.id)?.n ?? 0,
        access: access.map((a) => ({ ...a, at: a.at.toISOString() })),
        accessCount: totals.find((t) => t.linkId === link.id)?.n ?? 0,
      }
    }),
  )
}
