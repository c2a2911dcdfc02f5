/**
 * The public statistics are served from the stored release, on each engine: a repeated request
 * costs one small statement and reads no rollup, release or hierarchy table, yet answers the
 * same figures; a new credential moves the ledger totals and nothing else; a second client (what
 * another process would be) draws no second release and follows the shared ledger watermark;
 * facts arriving after a release do not change it; on Postgres a request does not wait for
 * another that is counting the ledger.
 */

import { readFileSync } from 'node:fs'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PublicStats } from '../../../src/core/stats/index.ts'
import { createApp } from '../../../src/http/app.ts'
import type { ServiceContext } from '../../../src/platform/context/context.ts'
import { createDb, type Database, type Db, rowsOf } from '../../../src/platform/db/client.ts'
import * as schema from '../../../src/platform/db/schema/index.ts'
import { ingestFacts } from '../../../src/services/surveillance/facts.ts'
import { publicStats } from '../../../src/services/surveillance/public.ts'
import { readHierarchy } from '../../../src/services/surveillance/regions.ts'
import { loadRegions } from '../../../src/services/surveillance/regions-csv.ts'
import { syntheticYear } from '../../../src/services/surveillance/synthetic.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const REGIONS = readFileSync(new URL('../../../data/regions-xv.csv', import.meta.url), 'utf8')
/** 26 weeks × 5 measures. */
const RELEASES = 130
/** Tables only a release (drawing or reading one) or the hierarchy's full read touches. */
const HEAVY = /surveillance_rollups|public_release|region_population|"facts"|log_entries/

/** A client of the same database that records every statement it sends. */
function countingDb(t: TestApp): { db: Db; queries: string[] } {
  const queries: string[] = []
  const logger = { logQuery: (query: string) => void queries.push(query) }
  const client = (t.ctx.db as unknown as { $client: unknown }).$client
  const db =
    t.database.kind === 'pglite'
      ? drizzlePglite(client as PGlite, { schema, logger })
      : drizzlePostgres(client as postgres.Sql, { schema, logger })
  return { db: db as unknown as Db, queries }
}

const figures = (s: PublicStats) => ({ ...s, generatedAt: undefined, ledger: undefined })

describe.each(ENGINES)('public statistics on %s', (engine) => {
  let t: TestApp
  let issuer = ''
  let other: Database | undefined
  const count = async (table: 'public_releases' | 'public_release_cells') =>
    Number(
      rowsOf<{ n: unknown }>(
        await t.ctx.db.execute(sql.raw(`select count(*) as n from ${table}`)),
      )[0]?.n,
    )

  beforeAll(async () => {
    t = await createTestApp(engine)
    await loadRegions(t.ctx, REGIONS)
    const places = await readHierarchy(t.ctx)
    await ingestFacts(t.ctx, {
      facts: syntheticYear({ seed: 5, total: 3000, start: '2025-11-24', places }),
      chunk: 3000,
    })
    issuer = await tokenFor(t, ['issuer'])
    expect((await api(t, issuer).post('/api/credentials', immunization())).status).toBe(201)
  })
  afterAll(async () => {
    await other?.close()
    await t?.close()
  })

  /** Another process: its own pool on Postgres; its own client object (and cache) on PGlite. */
  async function otherProcess(): Promise<ServiceContext> {
    if (t.database.url === undefined) return { ...t.ctx, db: countingDb(t).db }
    other ??= await createDb({ kind: 'postgres', url: t.database.url })
    return { ...t.ctx, db: other.db }
  }

  it('two processes asking first at once store one release and answer the same figures', async () => {
    const [a, b] = await Promise.all([
      publicStats({ ...t.ctx, db: countingDb(t).db }),
      publicStats(await otherProcess()),
    ])
    expect(figures(b)).toEqual(figures(a))
    expect(await count('public_releases')).toBe(RELEASES)
    // Three regions, `unknown` and the national total per (measure, week).
    expect(await count('public_release_cells')).toBe(RELEASES * 5)
  })

  it('a repeated request is one statement and reads no release table, with the same answer', async () => {
    const counted = countingDb(t)
    const app = createApp(
      { ...t.ctx, db: counted.db, version: 'test', ledger: t.ledger },
      {
        accessLog: false,
      },
    )
    const first = (await (await app.request('/api/public/stats')).json()) as PublicStats
    expect(counted.queries.some((q) => /public_release_cells/.test(q))).toBe(true)
    counted.queries.length = 0
    const res = await app.request('/api/public/stats')
    expect(res.status).toBe(200)
    expect(counted.queries).toHaveLength(1)
    expect(counted.queries[0]).not.toMatch(HEAVY)
    expect({ ...((await res.json()) as PublicStats), generatedAt: first.generatedAt }).toEqual(
      first,
    )
  })

  it('a new credential moves the ledger totals only, and reads no release again', async () => {
    const counted = countingDb(t)
    const ctx = { ...t.ctx, db: counted.db }
    const before = await publicStats(ctx)
    expect((await api(t, issuer).post('/api/credentials', immunization())).status).toBe(201)
    counted.queries.length = 0
    const after = await publicStats(ctx)
    expect(after.ledger.total.issued).toBe(before.ledger.total.issued + 1)
    expect(after.ledger.entriesCounted).toBeGreaterThan(before.ledger.entriesCounted)
    expect(figures(after)).toEqual(figures(before))
    expect(counted.queries.some((q) => /log_entries/.test(q))).toBe(true)
    expect(counted.queries.some((q) => /public_release|surveillance_rollups/.test(q))).toBe(false)
  })

  it('a process that kept the ledger totals follows the watermark another moved', async () => {
    const a = { ...t.ctx, db: countingDb(t).db }
    const b = await otherProcess()
    const kept = await publicStats(a)
    expect((await api(t, issuer).post('/api/credentials', immunization())).status).toBe(201)
    const counter = await publicStats(b)
    expect(counter.ledger.total.issued).toBe(kept.ledger.total.issued + 1)
    const follower = await publicStats(a)
    expect(follower.ledger).toEqual(counter.ledger)
  })

  it('facts arriving after a week is released do not change its figures', async () => {
    const before = await publicStats(t.ctx)
    const places = await readHierarchy(t.ctx)
    await ingestFacts(t.ctx, {
      facts: syntheticYear({ seed: 6, total: 3000, start: '2025-11-24', places }),
      chunk: 3000,
    })
    // A client that kept nothing reads the stored release.
    const fresh = await publicStats({ ...t.ctx, db: countingDb(t).db })
    expect(figures(fresh)).toEqual(figures(before))
    expect(await count('public_releases')).toBe(RELEASES)
  })

  it.runIf(engine === 'postgres')(
    'a request does not wait while another counts the ledger',
    async () => {
      const locker = postgres(t.database.url as string, { max: 1, onnotice: () => {} })
      try {
        const before = await publicStats(t.ctx)
        await locker.begin(async (tx) => {
          await tx`select next_index from ledger_totals_state where id = 1 for update`
          expect((await api(t, issuer).post('/api/credentials', immunization())).status).toBe(201)
          // Answered while the row is held (it would never return otherwise): the totals
          // committed so far, and how far they go.
          const during = await publicStats({ ...t.ctx, db: countingDb(t).db })
          expect(during.ledger).toEqual(before.ledger)
        })
        const after = await publicStats(t.ctx)
        expect(after.ledger.total.issued).toBe(before.ledger.total.issued + 1)
      } finally {
        await locker.end({ timeout: 5 })
      }
    },
  )
})
