/**
 * @module platform/deployment/identity
 * The deployment's identity is data, not environment (docs/OPERATIONS.md, the identity):
 * recorded once, on first start, and read from the database by every later process. A process
 * whose environment names another public URL or log origin is refused rather than allowed to
 * sign a checkpoint or a card under a name that is not the deployment's.
 *
 * The log origin never changes (c2sp.org/tlog-checkpoint: the origin names the log; another
 * origin is another log). The public URL and the issuer URL change together, on purpose only
 * (`vigil identity set-url`); earlier issuer URLs stay this issuer's, so earlier cards verify.
 */
import { desc, eq } from 'drizzle-orm'
import { isLoopbackHttpOrigin } from '../../core/shc/index.ts'
import type { Config } from '../config/index.ts'
import type { Db } from '../db/index.ts'
import { deployment, logCheckpoints } from '../db/index.ts'

export interface DeploymentIdentity {
  publicUrl: string
  logOrigin: string
  /** `iss` of the cards issued from now on. */
  issuerUrl: string
  /** `iss` of earlier cards, oldest first. */
  formerIssuerUrls: string[]
  createdAt: Date
  updatedAt: Date
}

/** What this process's environment says the identity is (only what it sets explicitly). */
export type IdentityClaims = Config['claims']

/** The environment disagrees with the recorded identity. The message is one line. */
export class IdentityMismatchError extends Error {
  override readonly name = 'IdentityMismatchError'
  readonly variable: string
  readonly configured: string
  readonly recorded: string
  constructor(variable: string, configured: string, recorded: string) {
    const what = variable === 'VIGIL_LOG_ORIGIN' ? 'log origin' : 'public URL'
    const how =
      variable === 'VIGIL_LOG_ORIGIN'
        ? 'a log origin never changes (another origin is another log)'
        : 'change it on purpose with `vigil identity set-url URL`'
    super(
      `identity mismatch: ${variable} gives ${what} ${configured}, but this deployment's ${what} is ${recorded}; unset ${variable} to use the recorded one (\`vigil identity show\`), or ${how}`,
    )
    this.variable = variable
    this.configured = configured
    this.recorded = recorded
  }
}

export async function readIdentity(db: Db): Promise<DeploymentIdentity | undefined> {
  const [row] = await db.select().from(deployment).where(eq(deployment.id, 1))
  return row === undefined ? undefined : toIdentity(row)
}

/**
 * The recorded identity, recording `proposed` first if there is none (racing processes agree:
 * the first insert wins and every process reads it back). A log that already has checkpoints
 * (a deployment from before identities were recorded) keeps the origin it signed them under.
 * Throws IdentityMismatchError when a claim disagrees.
 */
export async function establishIdentity(
  db: Db,
  proposed: { publicUrl: string; logOrigin: string },
  claims: IdentityClaims,
): Promise<{ identity: DeploymentIdentity; created: boolean }> {
  let identity = await readIdentity(db)
  let created = false
  if (identity === undefined) {
    const logOrigin = (await signedOrigin(db)) ?? proposed.logOrigin
    const inserted = await db
      .insert(deployment)
      .values({
        id: 1,
        publicUrl: proposed.publicUrl,
        logOrigin,
        issuerUrl: proposed.publicUrl,
      })
      .onConflictDoNothing()
      .returning({ id: deployment.id })
    created = inserted.length > 0
    identity = await readIdentity(db)
    if (identity === undefined) throw new Error('deployment identity: the row vanished')
  }
  checkClaims(identity, claims)
  return { identity, created }
}

export function checkClaims(identity: DeploymentIdentity, claims: IdentityClaims): void {
  const { publicUrl, logOrigin } = claims
  if (logOrigin !== undefined && logOrigin.value !== identity.logOrigin)
    throw new IdentityMismatchError(logOrigin.variable, logOrigin.value, identity.logOrigin)
  if (publicUrl !== undefined && publicUrl.value !== identity.publicUrl)
    throw new IdentityMismatchError(publicUrl.variable, publicUrl.value, identity.publicUrl)
}

/**
 * `vigil identity set-url`: a new public URL, and with it a new issuer URL for the cards issued
 * from now on; the old issuer URL joins the former ones. The log origin stays.
 */
export async function setPublicUrl(
  db: Db,
  url: string,
  now: Date,
): Promise<{ before: DeploymentIdentity; after: DeploymentIdentity }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(deployment).where(eq(deployment.id, 1)).for('update')
    if (row === undefined) throw new Error('deployment identity: not recorded yet')
    const before = toIdentity(row)
    const former =
      before.issuerUrl === url
        ? before.formerIssuerUrls
        : [...before.formerIssuerUrls.filter((u) => u !== url), before.issuerUrl]
    const [updated] = await tx
      .update(deployment)
      .set({ publicUrl: url, issuerUrl: url, formerIssuerUrls: former, updatedAt: now })
      .where(eq(deployment.id, 1))
      .returning()
    if (updated === undefined) throw new Error('deployment identity: the row vanished')
    return { before, after: toIdentity(updated) }
  })
}

/** The origin line of the latest signed checkpoint, if the log has one. */
async function signedOrigin(db: Db): Promise<string | undefined> {
  const [latest] = await db
    .select({ note: logCheckpoints.note })
    .from(logCheckpoints)
    .orderBy(desc(logCheckpoints.size))
    .limit(1)
  const origin = latest?.note.split('\n', 1)[0]
  return origin === undefined || origin === '' ? undefined : origin
}

function toIdentity(row: typeof deployment.$inferSelect): DeploymentIdentity {
  return {
    publicUrl: row.publicUrl,
    logOrigin: row.logOrigin,
    issuerUrl: row.issuerUrl,
    formerIssuerUrls: row.formerIssuerUrls,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/**
 * The configuration with the recorded identity in place of the environment's. A deployment on
 * loopback that was not told a PORT listens on its recorded URL's port, so `npm start` after
 * `PORT=8931 npm start` serves where its links and cards point.
 */
export function applyIdentity(config: Config, identity: DeploymentIdentity): Config {
  let port = config.port
  if (!config.portSet && config.claims.publicUrl === undefined) {
    const url = new URL(identity.publicUrl)
    if (isLoopbackHttpOrigin(url.origin) && url.port !== '') port = Number(url.port)
  }
  return {
    ...config,
    port,
    publicUrl: identity.publicUrl,
    logOrigin: identity.logOrigin,
    issuerUrl: identity.issuerUrl,
    formerIssuerUrls: identity.formerIssuerUrls,
  }
}

/**
 * A serving process follows a deliberate change of URL (`vigil identity set-url`) without a
 * restart, so the cards it signs carry the recorded issuer URL within seconds. It updates the
 * shared configuration in place: the identity is data that changes, the rest of it does not.
 * Returns true when something changed.
 */
export async function followIdentity(db: Db, config: Config): Promise<boolean> {
  const identity = await readIdentity(db)
  if (
    identity === undefined ||
    (identity.publicUrl === config.publicUrl &&
      identity.issuerUrl === config.issuerUrl &&
      identity.formerIssuerUrls.join(' ') === config.formerIssuerUrls.join(' '))
  )
    return false
  config.publicUrl = identity.publicUrl
  config.issuerUrl = identity.issuerUrl
  config.formerIssuerUrls = identity.formerIssuerUrls
  return true
}
