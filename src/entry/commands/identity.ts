/**
 * @module entry/commands/identity
 * `vigil identity show | set-url` (help texts in cli.ts). Both read the recorded identity
 * without checking the environment against it: `show` is how a refused process's operator sees
 * what is recorded, and `set-url` is the deliberate way to change it.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { Database } from '../../platform/db/index.ts'
import { migrate } from '../../platform/db/index.ts'
import {
  type DeploymentIdentity,
  establishIdentity,
  readIdentity,
  setPublicUrl,
} from '../../platform/deployment/index.ts'
import { isLoopbackIssuer } from '../../services/credentials/index.ts'
import { loadConfig, openDatabase } from '../runtime.ts'
import { usage } from './run.ts'

async function withDatabase<T>(body: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig())
  try {
    await migrate(database)
    return await body(database)
  } finally {
    await database.close()
  }
}

function describe(identity: DeploymentIdentity): string {
  const former =
    identity.formerIssuerUrls.length === 0
      ? ''
      : `\nformer issuer URLs: ${identity.formerIssuerUrls.join(', ')}`
  return `public URL:  ${identity.publicUrl}
issuer URL:  ${identity.issuerUrl} (the iss of new cards)
log origin:  ${identity.logOrigin}
recorded:    ${identity.createdAt.toISOString()}${former}`
}

export async function runIdentityShow(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  const config = loadConfig()
  return withDatabase(async ({ db }) => {
    const identity = await readIdentity(db)
    if (identity === undefined) {
      console.error(
        `no identity recorded yet: the first start will record ${config.publicUrl} and log ${config.logOrigin}`,
      )
      return 1
    }
    if (values.json) console.log(JSON.stringify(identity, null, 2))
    else console.log(describe(identity))
    for (const claim of [config.claims.publicUrl, config.claims.logOrigin]) {
      const recorded =
        claim?.variable === 'VIGIL_LOG_ORIGIN' ? identity.logOrigin : identity.publicUrl
      if (claim !== undefined && claim.value !== recorded)
        console.error(
          `note: ${claim.variable} gives ${claim.value}, which this deployment would refuse`,
        )
    }
    return 0
  })
}

const urlSchema = z.url({ protocol: /^https?$/ })

export async function runIdentitySetUrl(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  const [raw, ...extra] = positionals
  if (raw === undefined || extra.length > 0) return usage('identity', 'set-url', 'needs one URL')
  const parsed = urlSchema.safeParse(raw)
  if (!parsed.success) return usage('identity', 'set-url', `not an http(s) URL: ${raw}`)
  const url = parsed.data.replace(/\/+$/, '')
  const config = loadConfig()
  return withDatabase(async ({ db }) => {
    if ((await readIdentity(db)) === undefined)
      await establishIdentity(db, { publicUrl: url, logOrigin: config.logOrigin }, {})
    const { before, after } = await setPublicUrl(db, url, new Date())
    if (before.publicUrl === after.publicUrl) {
      console.error(`the public URL is already ${url}`)
      return 0
    }
    console.error(`public URL ${before.publicUrl} -> ${after.publicUrl}`)
    console.error(
      `new cards carry iss ${after.issuerUrl}; cards with iss ${before.issuerUrl} still verify here; the log origin stays ${after.logOrigin}`,
    )
    if (!url.startsWith('https:') && !isLoopbackIssuer(url))
      console.error('warning: SMART Health Cards need an https issuer URL')
    console.error(
      'staff passkeys are bound to the host name: people enrol again on the new one; restart running servers for links and page headers',
    )
    console.log(describe(after))
    return 0
  })
}
