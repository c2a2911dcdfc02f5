/**
 * @module entry/commands/admin
 * `vigil admin invite | digest` (help texts in cli.ts). Run on the server, they need no sign-in,
 * which is how the first administrator is invited; the audit trail names the command line as the
 * actor. Exit 0: done; 1: the audit chain does not match; 2: a usage mistake.
 */
import { parseArgs } from 'node:util'
import { ROLES, type Role } from '../../context.ts'
import { ServiceError } from '../../errors.ts'
import {
  CLI_ACTOR,
  createInvitation,
  DEFAULT_INVITATION_HOURS,
  MAX_INVITATION_HOURS,
  runAuditDigests,
  verifyAuditDigests,
} from '../../staff/index.ts'
import { loadConfig, type Runtime, startRuntime } from '../runtime.ts'

export async function runAdminInvite(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      hours: { type: 'string', default: String(DEFAULT_INVITATION_HOURS) },
    },
    strict: true,
  })
  const roles = values.role ?? []
  // Checked before the database opens, so a typo creates no data directory.
  const bad = roles.find((r) => !(ROLES as readonly string[]).includes(r))
  if (values.name === undefined || roles.length === 0 || bad !== undefined)
    return usage(
      'invite',
      bad ? `unknown role "${bad}" (${ROLES.join(', ')})` : 'needs --name and --role',
    )
  const hours = /^[0-9]{1,4}$/.test(values.hours) ? Number(values.hours) : 0
  if (hours < 1 || hours > MAX_INVITATION_HOURS)
    return usage('invite', `--hours must be 1..${MAX_INVITATION_HOURS}`)
  const name = values.name
  return withRuntime('invite', async ({ ctx }) => {
    const created = await createInvitation(
      ctx,
      { name, roles: roles as Role[], expiresInHours: hours },
      CLI_ACTOR,
    )
    // The link alone on stdout (LINK=$(vigil admin invite …)); everything else on stderr.
    console.error(
      `invitation ${created.id} for "${created.name}" (${created.roles.join(', ')}), single use, expires ${created.expiresAt}`,
    )
    console.log(created.link)
    console.error(
      'send this link privately: whoever opens it first enrols a passkey with these roles',
    )
    return 0
  })
}

export async function runAdminDigest(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { verify: { type: 'boolean' } }, strict: true })
  return withRuntime('digest', async ({ ctx, ledger }) => {
    for (const d of await runAuditDigests(ctx, ledger))
      console.log(
        `${d.day}  ${String(d.events).padStart(6)} events  ${d.digest}  leaf ${d.leafIndex}`,
      )
    if (!values.verify) return 0
    const check = await verifyAuditDigests(ctx)
    if (check.firstMismatch === null) {
      console.error(`audit trail matches its ${check.days} daily digests in the ledger`)
      return 0
    }
    console.error(`audit trail does not match the ledger from ${check.firstMismatch} on`)
    return 1
  })
}

function usage(verb: string, message: string): number {
  console.error(`vigil admin ${verb}: ${message} (vigil admin ${verb} --help)`)
  return 2
}

async function withRuntime(verb: string, body: (runtime: Runtime) => Promise<number>) {
  const runtime = await startRuntime(loadConfig(), { migrate: true })
  try {
    return await body(runtime)
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err
    console.error(`vigil admin ${verb}: ${err.field ? `${err.field} ` : ''}${err.message}`)
    return 2
  } finally {
    await runtime.database.close()
  }
}
