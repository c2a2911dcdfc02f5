/**
 * Once per run, before any test file: builds web/dist if missing (pages are served by several
 * files in parallel), builds the migrated database templates every test database starts from,
 * and marks the run so that teardown can find any process a test left behind.
 */
import { existsSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BROWSER_SKIP_REASON } from './helpers/browser.ts'
import { OPENSSL_SKIP_REASON } from './helpers/cms.ts'
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from './helpers/db.ts'
import {
  buildPgliteTemplate,
  buildPostgresTemplate,
  dropRunDatabases,
  PG_TEMPLATE_VAR,
  PGLITE_TEMPLATE_VAR,
  RUN_VAR,
  SCRATCH_VAR,
  scratchDir,
} from './helpers/db-templates.ts'
import { killStragglers } from './helpers/stragglers.ts'

async function buildPages(): Promise<void> {
  const dist = fileURLToPath(new URL('../web/dist/index.html', import.meta.url))
  if (existsSync(dist)) return
  const { build } = await import('vite')
  await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
}

/**
 * vitest 4.1 calls the global setup of a config whose projects `extends: true` once more for the
 * projects (twice per run, seen here): the second call would build a second set of templates.
 * One setup per process, its teardown run once.
 */
const ONCE = Symbol.for('vigil.test.globalSetup')
type Once = { [ONCE]?: Promise<() => Promise<void>> }

export default function setup(): Promise<() => Promise<void>> {
  const g = globalThis as Once
  if (g[ONCE] !== undefined) return g[ONCE].then(() => async () => {})
  g[ONCE] = setupOnce()
  return g[ONCE]
}

async function setupOnce(): Promise<() => Promise<void>> {
  // The reporter lists skipped files without their reason: one line each, once, up front.
  for (const reason of [POSTGRES_SKIP_REASON, BROWSER_SKIP_REASON, OPENSSL_SKIP_REASON]) {
    if (reason !== undefined) process.stdout.write(`skipped here: ${reason}\n`)
  }
  // Lowercase base36: it goes into Postgres database names.
  const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`
  const scratch = scratchDir(run)
  // Set before the pool forks: workers inherit the environment, and so does every process a test
  // starts, which is how teardown recognises them.
  process.env[RUN_VAR] = run
  process.env[SCRATCH_VAR] = scratch
  const [pglite, pg] = await Promise.all([
    buildPgliteTemplate(scratch),
    POSTGRES_URL ? buildPostgresTemplate(POSTGRES_URL, run) : undefined,
    buildPages(),
  ])
  process.env[PGLITE_TEMPLATE_VAR] = pglite
  if (pg !== undefined) process.env[PG_TEMPLATE_VAR] = pg

  return async () => {
    const left = await killStragglers(run, [process.pid])
    if (POSTGRES_URL) await dropRunDatabases(POSTGRES_URL, run)
    rmSync(scratch, { recursive: true, force: true })
    if (left.length > 0) {
      // vitest reports an error thrown here but still exits 0 (4.1): fail the run ourselves.
      process.exitCode = 1
      throw new Error(
        `test processes still running after the suite (killed now):\n${left.join('\n')}`,
      )
    }
  }
}
