/**
 * @module services/staff/me
 * `describeMe`: what the staff pages show a signed-in person about themself — name, roles, the
 * session they came with and their passkeys.
 */
import type { Me } from '../../core/api-types/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { listPasskeys } from './passkeys.ts'
import type { SessionInfo } from './sessions.ts'

/** The JSON the staff pages read: declared in core, where the pages import it too. */
export type { Me }

/**
 * `session` is the one the request was authenticated with (resolved once, by the HTTP layer);
 * its times are empty when there is none.
 * @example const me = await describeMe(ctx, session)
 */
export async function describeMe(
  ctx: ServiceContext,
  session: SessionInfo | undefined,
): Promise<Me> {
  const actor = requireActor(ctx)
  return {
    id: actor.id,
    name: actor.name,
    roles: [...actor.roles],
    session: {
      createdAt: session?.createdAt ?? '',
      expiresAt: session?.expiresAt ?? '',
      idleExpiresAt: session?.idleExpiresAt ?? '',
    },
    passkeys: await listPasskeys(ctx),
  }
}
