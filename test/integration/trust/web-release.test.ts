/**
 * Web releases against the real app on each engine: a manifest published by several callers at
 * once is one release and one ledger entry; the feed and /release/<n>.json serve it byte for
 * byte; its inclusion proof, rebuilt from the manifest bytes, verifies under the witness
 * policy, and the same proof refuses a manifest changed by one byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEntry } from '../../../src/core/leaf/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import {
  checkReleaseProof,
  fetchReleaseProof,
  type ReleaseRecord,
  serializeReleaseManifest,
} from '../../../src/core/release/index.ts'
import { openTrustMaterial } from '../../../src/core/verify/index.ts'
import { COMMAND_LINE } from '../../../src/platform/context/index.ts'
import { logEntries } from '../../../src/platform/db/index.ts'
import type { ServiceError } from '../../../src/platform/errors/index.ts'
import { publishWebRelease } from '../../../src/services/trust/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const hex = (c: string) => c.repeat(64)
const manifest = (commit: string, js: string) =>
  serializeReleaseManifest({
    format: 'vigil-release/v1',
    version: '0.1.0',
    commit,
    csp: "default-src 'self'",
    verifierCsp: "default-src 'self'; connect-src 'self' https:",
    serviceWorker: { path: '/sw.js', sha256: hex('a') },
    assets: [
      { path: '/verify.html', sha256: hex('b') },
      { path: '/assets/verify.js', sha256: js },
    ],
  })

describe.each(ENGINES)('web releases on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('publishes a manifest once however many publish it at once, and serves the feed', async () => {
    const ctx = { ...t.ctx, actor: COMMAND_LINE }
    const first = manifest('1'.repeat(40), hex('c'))
    const results = await Promise.all(
      Array.from({ length: 8 }, () => publishWebRelease(ctx, { text: first })),
    )
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(new Set(results.map((r) => r.release.release))).toEqual(new Set([1]))
    const second = await publishWebRelease(ctx, { text: manifest('2'.repeat(40), hex('d')) })
    expect(second).toMatchObject({ created: true, release: { release: 2 } })
    expect(second.release.leafIndex).toBeGreaterThan(results[0]?.release.leafIndex as number)

    const feed = (await (await t.app.request('/release/feed.json')).json()) as {
      releases: ReleaseRecord[]
    }
    expect(feed.releases.map((r) => [r.release, r.commit])).toEqual([
      [2, '2'.repeat(40)],
      [1, '1'.repeat(40)],
    ])
    const served = await t.app.request('/release/1.json')
    expect(served.status).toBe(200)
    expect(await served.text()).toBe(first)
    const missing = await t.app.request('/release/9.json')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'RELEASE_NOT_FOUND', field: 'file' })

    // The log holds exactly one entry per release (key id web:<n>).
    const rows = await t.ctx.db.select({ entry: logEntries.entry }).from(logEntries)
    const keyIds = rows.map((r) => decodeEntry(r.entry).keyId).filter((k) => k.startsWith('web:'))
    expect(keyIds.sort()).toEqual(['web:1', 'web:2'])
  })

  it('proves a release from its manifest bytes, and refuses other bytes or another release', async () => {
    const client = createLogClient('', (url, init) => t.app.request(url, init))
    const material = await openTrustMaterial(
      await (await t.app.request('/trust/material')).text(),
      await client.key(),
    )
    const trust = { policy: material.policyValue, origin: material.log.origin }
    const now = Math.floor(t.ctx.clock.now().getTime() / 1000)
    const feed = (await (await t.app.request('/release/feed.json')).json()) as {
      releases: ReleaseRecord[]
    }
    const record = feed.releases.find((r) => r.release === 1) as ReleaseRecord
    const text = await (await t.app.request('/release/1.json')).text()
    const proof = await fetchReleaseProof(record, client)
    expect(await checkReleaseProof(text, record, proof, trust, now)).toMatchObject({
      release: 1,
      leafIndex: record.leafIndex,
    })
    await expect(
      checkReleaseProof(text.replace('"0.1.0"', '"0.1.1"'), record, proof, trust, now),
    ).rejects.toMatchObject({ code: 'RELEASE_PROOF' })
    await expect(
      checkReleaseProof(text, { ...record, release: 2 }, { ...proof, release: 2 }, trust, now),
    ).rejects.toMatchObject({ code: 'RELEASE_PROOF' })
    await expect(fetchReleaseProof({ ...record, leafIndex: null }, client)).rejects.toMatchObject({
      code: 'RELEASE_NOT_LOGGED',
    })
  })

  it('refuses a manifest that is not canonical, naming the field', async () => {
    const ctx = { ...t.ctx, actor: COMMAND_LINE }
    const text = manifest('3'.repeat(40), hex('e'))
    const refused = (input: string) =>
      publishWebRelease(ctx, { text: input }).then(
        () => undefined,
        (e: ServiceError) => ({ code: e.code, field: e.field }),
      )
    expect(await refused(text.trimEnd())).toEqual({ code: 'VALIDATION', field: 'manifest' })
    expect(await refused(text.replace(hex('e'), 'E'.repeat(64)))).toEqual({
      code: 'VALIDATION',
      field: 'assets[0].sha256',
    })
    expect(await refused(text.replace('vigil-release/v1', 'vigil-release/v2'))).toEqual({
      code: 'VALIDATION',
      field: 'format',
    })
  })
})
