/**
 * The HTTP fuzz campaign, small (docs/RELIABILITY.md "HTTP fuzz"): a few thousand requests
 * generated from /openapi.json through `app.request()` on PGlite, and a few hundred malformed
 * raw requests over a real socket. No 5xx, every 4xx problem+json with a code, and nothing
 * logged as an error. `VIGIL_FUZZ_SEED` replays a run; the seed is printed either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FuzzSetup, fuzzApp, fuzzRaw, serveRaw, setUp, Tally } from '../soak/http-fuzz.ts'

const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 1_000_000)
const APP_REQUESTS = 3_000
const RAW_REQUESTS = 300

describe(`HTTP fuzz (seed ${SEED})`, () => {
  let setup: FuzzSetup
  beforeAll(async () => {
    console.log(`http-fuzz seed ${SEED} (replay with VIGIL_FUZZ_SEED=${SEED})`)
    setup = await setUp('pglite')
  })
  afterAll(() => setup?.t.close())

  it(`${APP_REQUESTS} requests through app.request(): no 5xx, every 4xx problem+json`, async () => {
    const tally = new Tally()
    await fuzzApp(setup, SEED, APP_REQUESTS, tally)
    console.log(
      JSON.stringify({ app: tally.count, statuses: tally.statuses(), slowest: tally.slowest }),
    )
    expect(tally.failures).toEqual([])
    expect(tally.count).toBe(APP_REQUESTS)
    // The generator reaches past validation and auth, not only into 400s.
    expect(tally.byStatus.get(200) ?? 0).toBeGreaterThan(0)
    expect(tally.byStatus.get(401) ?? 0).toBeGreaterThan(0)
  }, 120_000)

  it(`${RAW_REQUESTS} malformed raw requests over a socket: problem+json, no error logged`, async () => {
    const server = await serveRaw(setup, SEED)
    const tally = new Tally()
    try {
      await fuzzRaw(setup, server.port, SEED, RAW_REQUESTS, tally)
    } finally {
      await server.close()
    }
    console.log(
      JSON.stringify({ raw: tally.count, statuses: tally.statuses(), slowest: tally.slowest }),
    )
    expect(tally.failures).toEqual([])
    expect(tally.byStatus.get(400) ?? 0).toBeGreaterThan(0)
    expect(server.logged.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([])
  }, 120_000)
})
