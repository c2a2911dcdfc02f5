/**
 * The tamper campaign, small (docs/RELIABILITY.md; the full one is `npm run soak -- tamper`): a
 * log of 300 credentials issued through the app, then each kind of mutation once, on a fresh
 * copy, audited from the database and over HTTP. The first finding must carry the kind's code and
 * name the index, tile or checkpoint that was changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers/db.ts'
import { buildLog, describeFinding, KINDS, seeded, type TamperLog, trial } from '../soak/tamper.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('tampering on %s', (engine) => {
  let log: TamperLog
  beforeAll(async () => {
    log = await buildLog(engine, { credentials: 300, seed: 7, postgresUrl: POSTGRES_URL })
  }, 180_000)
  afterAll(() => log?.close())

  it.each(KINDS)('%s is detected and named, from the database and over HTTP', async (kind) => {
    const trials = await trial(log, kind, seeded(KINDS.indexOf(kind) + 1))
    for (const t of trials) {
      const said = `${t.mode}: first finding ${describeFinding(t.first)}`
      expect(t.first, said).toMatchObject(t.expected)
    }
  })
})
