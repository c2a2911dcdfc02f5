/**
 * @module services/staff/passkeys
 * A signed-in person's own passkeys: list, add (a registration ceremony bound to them), rename,
 * remove — never the last one, or they could not sign in again.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { and, asc, count, eq } from 'drizzle-orm'
import type { PasskeyView } from '../../core/api-types/index.ts'
import { recordAudit } from '../../platform/audit-trail/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { passkeys, users } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { registrationOptions, verifyRegistration } from './register.ts'
import { newTokenId } from './token-format.ts'

/** The JSON the staff pages read: declared in core, where the pages import it too. */
export type { PasskeyView }

const view = (p: typeof passkeys.$inferSelect): PasskeyView => ({
  id: p.id,
  name: p.name,
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
})

const notFound = (id: string) =>
  new ServiceError('NOT_FOUND', `you have no passkey with id ${id}`, { field: 'id' })

/**
 * Each verb here acts on the signed-in person's own passkeys (`ctx.actor`). That needs no role, so
 * the trail records none: changes are recorded under `mine(ctx, tx)`.
 */
const mine = (ctx: ServiceContext, tx: ServiceContext['db']): ServiceContext => ({
  ...ctx,
  db: tx,
  role: undefined,
})

export async function listPasskeys(ctx: ServiceContext): Promise<PasskeyView[]> {
  const userId = requireActor(ctx).id
  const rows = await ctx.db
    .select()
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
  return rows.map(view)
}

/** @example const options = await beginAddPasskey(ctx) // → startRegistration() */
export async function beginAddPasskey(
  ctx: ServiceContext,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const userId = requireActor(ctx).id
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId))
  if (user === undefined) throw new ServiceError('NOT_FOUND', 'no such person', { field: 'id' })
  const existing = await ctx.db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
  return registrationOptions(
    ctx,
    'add-passkey',
    { name: user.name, userHandle: user.userHandle },
    { userId },
    existing,
  )
}

export interface NewPasskeyInput {
  response: RegistrationResponseJSON
  /** What the person calls it ("Laptop"). */
  name: string
}

export async function finishAddPasskey(
  ctx: ServiceContext,
  { response, name }: NewPasskeyInput,
): Promise<PasskeyView> {
  const userId = requireActor(ctx).id
  const passkey = await verifyRegistration(ctx, response, 'add-passkey', { userId })
  const now = ctx.clock.now()
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(passkeys)
      .values({
        id: newTokenId(ctx.random),
        userId,
        credentialId: passkey.credentialId,
        publicKey: passkey.publicKey,
        counter: passkey.counter,
        transports: passkey.transports,
        name,
        deviceType: passkey.deviceType,
        backedUp: passkey.backedUp,
        createdAt: now,
      })
      .returning()
    if (row === undefined) throw new Error('passkey insert returned nothing')
    await recordAudit(mine(ctx, tx), { action: 'passkey.add', targetId: row.id })
    return view(row)
  })
}

export async function renamePasskey(
  ctx: ServiceContext,
  { id, name }: { id: string; name: string },
): Promise<PasskeyView> {
  const userId = requireActor(ctx).id
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(passkeys)
      .set({ name })
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
      .returning()
    if (row === undefined) throw notFound(id)
    await recordAudit(mine(ctx, tx), { action: 'passkey.rename', targetId: id })
    return view(row)
  })
}

export async function removePasskey(ctx: ServiceContext, id: string): Promise<void> {
  const userId = requireActor(ctx).id
  await ctx.db.transaction(async (tx) => {
    const [owned] = await tx
      .select({ id: passkeys.id })
      .from(passkeys)
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    if (owned === undefined) throw notFound(id)
    const [{ n } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(passkeys)
      .where(eq(passkeys.userId, userId))
    if (n <= 1)
      throw new ServiceError('LAST_PASSKEY', 'add another passkey before removing your last one', {
        field: 'id',
      })
    await tx.delete(passkeys).where(eq(passkeys.id, id))
    await recordAudit(mine(ctx, tx), { action: 'passkey.remove', targetId: id })
  })
}
