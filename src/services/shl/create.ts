/**
 * @module services/shl/create
 * Making a link (IG §Pre-protocol step, §Generates a SMART Health Link URI): the holder's chosen
 * records become encrypted files under a fresh 256-bit key, the manifest URL gets 256 random
 * bits, and the `shlink:/` text is returned once. The key is then forgotten, except for a
 * long-term link, whose later files must be encrypted under the same key (IG §Update Shared
 * Files): sealed under the master key, never in clear.
 */
import QRCode from 'qrcode'
import type { ShlCreated } from '../../core/api-types/index.ts'
import { toBase64Url } from '../../core/codec/index.ts'
import { encodeShlink, flagString, MAX_SHL_URL_LENGTH, viewerUrl } from '../../core/shl/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { shlFiles, shlLinks } from '../../platform/db/index.ts'
import { ServiceError, validationError } from '../../platform/errors/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import { hashPasscode } from '../../platform/node-crypto/index.ts'
import { type ShlSelection, sealFiles } from './files.ts'
import { authorizeOwner, holderCredentials, type Member, type Owner, readMember } from './holder.ts'
import { MAX_SHL_DAYS, SHL_KINDS, SHL_PASSCODE_ATTEMPTS, ShlLinkInput } from './input.ts'
import { linkViews, manifestUrl, urlHash, viewerBase } from './links.ts'

const DAY_MS = 86_400_000

/** The AAD a long-term link's key is sealed with: it opens for this link only. */
export const keyAad = (linkId: string) => `shl-key:${linkId}`

/** Each member's card and bundle, in order; a record erased meanwhile is left out. */
export async function readMembers(ctx: ServiceContext, ids: readonly string[]): Promise<Member[]> {
  const members = await Promise.all(ids.map((id) => readMember(ctx, id)))
  return members.filter((m): m is Member => m !== undefined)
}

export async function createShlLink(
  ctx: ServiceContext,
  { owner, input }: { owner: Owner; input: unknown },
): Promise<ShlCreated> {
  const parsed = ShlLinkInput.safeParse(input)
  if (!parsed.success) throw validationError(parsed.error.issues, 'invalid link request')
  const v = parsed.data
  const holder = await authorizeOwner(ctx, owner)
  const now = ctx.clock.now()
  const expiresAt = v.expiresAt === undefined ? null : new Date(v.expiresAt)
  if (
    expiresAt !== null &&
    (expiresAt <= now || expiresAt.getTime() - now.getTime() > MAX_SHL_DAYS * DAY_MS)
  ) {
    throw new ServiceError('VALIDATION', `must be in the future, within ${MAX_SHL_DAYS} days`, {
      field: 'expiresAt',
    })
  }
  const kinds = v.kinds ?? [...SHL_KINDS]
  const mine = await holderCredentials(ctx, holder)
  let chosen: string[]
  if (v.credentials === undefined) {
    chosen = mine
      .filter((c) => c.status === 'active' && kinds.includes(c.kind as never))
      .map((c) => c.id)
  } else {
    chosen = [...new Set(v.credentials)]
    chosen.forEach((id, i) => {
      const c = mine.find((m) => m.id === id)
      // Another person's credential answers as an unknown one.
      if (c === undefined) {
        throw new ServiceError('NOT_FOUND', `no credential ${id} of this holder`, {
          field: `credentials.${i}`,
        })
      }
      if (c.status !== 'active') {
        throw new ServiceError('CONFLICT', `credential ${id} is ${c.status}: share a valid one`, {
          field: `credentials.${i}`,
        })
      }
    })
  }
  if (chosen.length === 0) {
    throw new ServiceError('VALIDATION', 'there is no valid record of these kinds to share', {
      field: v.credentials === undefined ? 'kinds' : 'credentials',
    })
  }
  const id = uuidFrom(ctx.random(16))
  const key = ctx.random(32)
  const manifestId = toBase64Url(ctx.random(32))
  const url = manifestUrl(ctx, manifestId)
  if (url.length > MAX_SHL_URL_LENGTH) {
    throw new ServiceError(
      'UNAVAILABLE',
      `this deployment's public URL is too long for SMART Health Links (${url.length} > ${MAX_SHL_URL_LENGTH})`,
    )
  }
  const selection: ShlSelection = { kinds, cards: v.cards, bundle: v.bundle }
  const members = await readMembers(ctx, chosen)
  const files = await sealFiles(ctx, key, members, selection, v.singleFile)
  const flag = flagString({
    longTerm: v.longTerm,
    passcode: v.passcode !== undefined,
    single: v.singleFile,
  })
  const shlink = encodeShlink({
    url,
    key: toBase64Url(key),
    ...(expiresAt === null ? {} : { exp: Math.floor(expiresAt.getTime() / 1000) }),
    ...(flag === '' ? {} : { flag }),
    ...(v.label === undefined ? {} : { label: v.label }),
  })
  const passcodeHash = v.passcode === undefined ? null : await hashPasscode(v.passcode)
  const keySealed = v.longTerm ? await ctx.keys.sealData(key, keyAad(id)) : null
  const row = {
    id,
    urlHash: await urlHash(manifestId),
    ownerId: holder.id,
    flag,
    label: v.label ?? null,
    expiresAt,
    passcodeHash,
    attemptsLeft: passcodeHash === null ? null : SHL_PASSCODE_ATTEMPTS,
    selection,
    members: members.map((m) => m.id).join(','),
    keySealed,
    createdBy: ctx.actor?.id ?? 'citizen',
    createdAt: now,
    updatedAt: now,
  }
  const [link] = await ctx.db.transaction(async (tx) => {
    const inserted = await tx.insert(shlLinks).values(row).returning()
    if (files.length > 0) {
      await tx
        .insert(shlFiles)
        .values(files.map((f, position) => ({ ...f, linkId: id, position, createdAt: now })))
    }
    await recordAudit(
      { ...ctx, db: tx },
      { action: 'shl.create', targetId: id, detail: { flag, files: files.length } },
    )
    return inserted
  })
  if (link === undefined) throw new Error('the link was not stored')
  const viewer = viewerUrl(viewerBase(ctx), shlink)
  // IG §Sharing User transmits: "Create the QR with Error Correction Level M".
  const qrSvg = await QRCode.toString(viewer, { errorCorrectionLevel: 'M', margin: 2, type: 'svg' })
  const [view] = await linkViews(ctx, [link])
  return { link: view as NonNullable<typeof view>, shlink, viewerUrl: viewer, qrSvg }
}
