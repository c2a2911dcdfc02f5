/**
 * Migrated templates, built once per test run by test/global-setup.ts: a PGlite data directory
 * that each test database copies (opening a copied directory skips initdb, the bulk of a PGlite
 * boot), and a Postgres database that each test database clones with `CREATE DATABASE … TEMPLATE`
 * (no migration per file). Test processes find them through the variables below.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createDb } from '../../src/platform/db/client.ts'
import { migrate } from '../../src/platform/db/migrate.ts'

/** Marks every process the run starts (inherited), so stragglers can be found by it. */
export const RUN_VAR = 'VIGIL_TEST_RUN'
/** The run's scratch directory (PGlite template and copies); removed at teardown. */
export const SCRATCH_VAR = 'VIGIL_TEST_SCRATCH'
export const PGLITE_TEMPLATE_VAR = 'VIGIL_TEST_PGLITE_TEMPLATE'
export const PG_TEMPLATE_VAR = 'VIGIL_TEST_PG_TEMPLATE'

/** Databases of one run share this prefix, so teardown can drop what a crashed file left. */
export const pgPrefix = (run: string): string => `vigil_test_${run}_`

/** tmpfs when there is one: test databases are written a lot and thrown away. */
export function scratchDir(run: string): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
  mkdirSync(base, { recursive: true })
  return mkdtempSync(join(base, `vigil-test-${run}-`))
}

export async function buildPgliteTemplate(scratch: string): Promise<string> {
  const dir = join(scratch, 'template-pglite')
  const database = await createDb({ kind: 'pglite', dataDir: dir })
  try {
    await migrate(database)
  } finally {
    await database.close()
  }
  return dir
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * Creates and migrates `<prefix>template`, then closes every connection to it: Postgres clones a
 * template only while nobody is connected to it (CREATE DATABASE, "Notes").
 */
export async function buildPostgresTemplate(url: string, run: string): Promise<string> {
  const name = `${pgPrefix(run)}template`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
    const database = await createDb({ kind: 'postgres', url: databaseUrl(url, name), max: 1 })
    try {
      await migrate(database)
    } finally {
      await database.close()
    }
  } finally {
    await admin.end({ timeout: 5 })
  }
  return name
}

/** Drops every database of the run (the template and whatever a crashed file left). */
export async function dropRunDatabases(url: string, run: string): Promise<string[]> {
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database where starts_with(datname, ${pgPrefix(run)})`
    for (const { datname } of rows)
      await admin.unsafe(`drop database if exists ${datname} with (force)`)
    return rows.map((r) => r.datname)
  } finally {
    await admin.end({ timeout: 5 })
  }
}
