/**
 * @module entry/commands/admin
 * `vigil admin invite | digest` (help texts in cli.ts). Run on the server, they need no sign-in,
 * which is how the first administrator is invited; the audit trail names the command line as the
 * actor. Exit 0: done; 1: the audit chain does not match; 2: a usage mistake.
 */
import { parseArgs } from 'node:util'
import {
  createInvitation,
  DEFAULT_INVITATION_HOURS,
  MAX_INVITATION_HOURS,
  runAuditDigests,
  verifyAuditDigests,
} from '../../services/staff/index.ts'
import type { Runtime } from '../runtime.ts'
import { checkNameAndRoles, withRuntime as runWith, usage as usageFor } from './run.ts'

const usage = (verb: string, message: string) => usageFor('admin', verb, message)

const withRuntime = (verb: string, body: (runtime: Runtime) => Promise<number>) =>
  runWith('admin', verb, body)

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
  const who = checkNameAndRoles(values.name, values.role)
  if ('error' in who) return usage('invite', who.error)
  const hours = /^[0-9]{1,4}$/.test(values.hours) ? Number(values.hours) : 0
  if (hours < 1 || hours > MAX_INVITATION_HOURS)
    return usage('invite', `--hours must be 1..${MAX_INVITATION_HOURS}`)
  const { name, roles } = who
  return withRuntime('invite', async ({ ctx }) => {
    const created = await createInvitation(ctx, { name, roles, expiresInHours: hours })
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
  return withRuntime('digest', async ({ ctx }) => {
    for (const d of await runAuditDigests(ctx))
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
