/**
 * @module entry/commands/tokens
 * `vigil tokens create | list | revoke` (help texts in cli.ts). The CLI needs no token, so it is
 * how the first admin token is made. Exit 0: done; 1: no such token; 2: a usage mistake.
 */
import { parseArgs } from 'node:util'
import {
  createApiToken,
  DEFAULT_TOKEN_DAYS,
  isTokenId,
  listApiTokens,
  MAX_TOKEN_DAYS,
  revokeApiToken,
} from '../../services/staff/index.ts'
import type { Runtime } from '../runtime.ts'
import { checkNameAndRoles, withRuntime as runWith, usage as usageFor } from './run.ts'

const usage = (verb: string, message: string) => usageFor('tokens', verb, message)

const withRuntime = (verb: string, body: (runtime: Runtime) => Promise<number>) =>
  runWith('tokens', verb, body, (err) => (err.code === 'NOT_FOUND' ? 1 : 2))

export async function runTokensCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      days: { type: 'string', default: String(DEFAULT_TOKEN_DAYS) },
    },
    strict: true,
  })
  const who = checkNameAndRoles(values.name, values.role)
  if ('error' in who) return usage('create', who.error)
  const days = /^[0-9]{1,3}$/.test(values.days) ? Number(values.days) : 0
  if (days < 1 || days > MAX_TOKEN_DAYS)
    return usage('create', `--days must be 1..${MAX_TOKEN_DAYS}`)
  const { name, roles } = who
  return withRuntime('create', async ({ ctx }) => {
    const created = await createApiToken(ctx, { name, roles, expiresInDays: days })
    // The token alone on stdout (TOKEN=$(vigil tokens create …)); everything else on stderr.
    console.error(
      `created token ${created.id} "${created.name}" (${created.roles.join(', ')}), expires ${created.expiresAt}`,
    )
    console.log(created.token)
    console.error('store this token now: it is shown only once and cannot be recovered')
    return 0
  })
}

export async function runTokensList(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  return withRuntime('list', async ({ ctx }) => {
    const tokens = await listApiTokens(ctx)
    if (values.json) console.log(JSON.stringify(tokens, null, 2))
    else if (tokens.length === 0) console.error('no API tokens (vigil tokens create makes one)')
    else
      for (const t of tokens)
        console.log(
          `${t.id}  ${t.status.padEnd(7)}  ${t.expiresAt.slice(0, 10)}  ${t.roles.join(',')}  ${t.name}`,
        )
    return 0
  })
}

export async function runTokensRevoke(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true })
  const [id, ...extra] = positionals
  if (id === undefined || extra.length > 0) return usage('revoke', 'needs exactly one token id')
  if (!isTokenId(id)) return usage('revoke', `"${id}" is not a token id (vigil tokens list)`)
  return withRuntime('revoke', async ({ ctx }) => {
    const revoked = await revokeApiToken(ctx, id)
    console.log(`revoked ${revoked.id} at ${revoked.revokedAt}`)
    return 0
  })
}
