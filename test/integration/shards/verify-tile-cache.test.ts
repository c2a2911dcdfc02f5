/**
 * A verifier that keeps tiles by URL across a log rotation (docs/LEDGER.md "Shards"). The
 * verifier page keeps every tile it fetched, by URL, for good (web/src/verify/data.ts: tiles are
 * immutable). `/log/tile/…` names the active shard's tiles, so after `vigil log rotate` the same
 * path can name the new shard's tile while the page still holds the old shard's bytes under it.
 * A door device that verified cards before the rotation must still verify a card of the new shard
 * once that shard has grown to the same tile path: the verifier reads the active shard at its own
 * `/log/<id>/` paths when the trust material lists shards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseVigilCheckpoint } from '../../../src/core/checkpoint/index.ts'
import { isTileUrl } from '../../../src/core/log-client/index.ts'
import { parseNote } from '../../../src/core/note/index.ts'
import {
  createVerifyCache,
  httpLedgerSource,
  type OpenedTrustMaterial,
  openTrustMaterial,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { rotateShard } from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'

interface Issued {
  jws: string
  leafIndex: string
}

describe('a verifier keeping tiles by URL across a rotation (PGlite)', () => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  /** Every tile URL the verifier read, with the bytes it got then (the page's kept copies). */
  const kept = new Map<string, Uint8Array>()
  const cache = createVerifyCache()

  /** The page's fetcher: tiles from what it keeps, else the log (and kept); the rest the log's. */
  const fetcher = async (url: string, init?: RequestInit): Promise<Response> => {
    const held = isTileUrl(url) ? kept.get(url) : undefined
    if (held !== undefined) return new Response(held as Uint8Array<ArrayBuffer>)
    const res = await t.app.request(url, init)
    if (!isTileUrl(url) || !res.ok) return res
    const bytes = new Uint8Array(await res.arrayBuffer())
    kept.set(url, bytes)
    return new Response(bytes as Uint8Array<ArrayBuffer>)
  }
  const material = async (): Promise<OpenedTrustMaterial> => {
    const vkey = (await (await t.app.request('/log/key')).text()).trim()
    return openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)
  }
  const verify = async (card: Issued) =>
    verifyCredential(card.jws, {
      trust: [await material()],
      now: Math.floor(t.ctx.clock.now().getTime() / 1000),
      ledger: () => httpLedgerSource('http://localhost', fetcher),
      cache,
    })
  const issue = async () => {
    const res = await issuer.post('/api/credentials', immunization())
    expect(res.status).toBe(201)
    return (await res.json()) as Issued
  }
  const size = async () =>
    parseVigilCheckpoint(parseNote(await (await t.app.request('/log/checkpoint')).text()).text).size

  beforeAll(async () => {
    t = await createTestApp('pglite')
    issuer = api(t, await tokenFor(t, ['issuer']))
  }, 60_000)
  afterAll(() => t?.close())

  it('the page predicate takes tiles of every shard, and nothing else', () => {
    expect(isTileUrl('/log/tile/0/000.p/3')).toBe(true)
    expect(isTileUrl('https://x.test/log/2/tile/entries/001')).toBe(true)
    expect(isTileUrl('/log/checkpoint')).toBe(false)
    expect(isTileUrl('/log/2/checkpoint')).toBe(false)
    expect(isTileUrl('/log/lookup/abcd')).toBe(false)
  })

  it('a card of the new shard verifies where the old shard left its tiles in the cache', async () => {
    const before = await issue()
    const first = await verify(before)
    expect(first.status, JSON.stringify(first.checks)).toBe('valid')
    const at = await size()
    const oldTiles = [...kept.keys()]
    expect(oldTiles.some((u) => u.includes('/log/tile/0/000'))).toBe(true)

    const rotated = await rotateShard(t.ctx, t.ctx.config.logOrigin, { minAgeMs: 0 })
    expect(rotated.rotated).toBe(true)
    // The new shard grows to the old one's size: its tile 0/000 then has the path the verifier
    // read (and kept) for the old shard.
    let after = await issue()
    while ((await size()) < at) after = await issue()
    expect(await size()).toBe(at)

    for (const card of [after, before]) {
      const verdict = await verify(card)
      expect(verdict.status, JSON.stringify(verdict.checks)).toBe('valid')
      const ledger = verdict.checks.find((c) => c.id === 'ledger')
      expect(ledger?.code).toBe('VERIFY_LEDGER_INCLUDED')
      expect(ledger?.detail?.index).toBe(card.leafIndex)
    }
    // The new shard's tiles were read at its own paths, not from the kept copies of the old.
    expect([...kept.keys()].some((u) => u.includes('/log/2/tile/0/000'))).toBe(true)
  })
})
