/**
 * `vigil monitor` over a real log's HTTP API (the app's own request handler, on each engine):
 * totals of credentials and revocations per issuer key and day, an alert for an unexpected
 * issuer key, consistent growth, and a fork (a rewritten leaf, re-signed) caught as
 * MONITOR_INCONSISTENT without advancing the state; a web release entry that the release feed
 * does not announce, raised as MONITOR_RELEASE_UNANNOUNCED (an announced one is not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey } from '../../../src/core/note/index.ts'
import { serializeReleaseManifest } from '../../../src/core/release/index.ts'
import { COMMAND_LINE } from '../../../src/platform/context/index.ts'
import { publishWebRelease } from '../../../src/services/trust/index.ts'
import { remoteSource } from '../../../src/tools/audit/remote-source.ts'
import {
  type AnnouncedRelease,
  emptyState,
  type MonitorOptions,
  monitorStep,
} from '../../../src/tools/monitor/monitor.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { forkLog } from '../../helpers/fork.ts'
import { entry, logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('monitor (%s)', (engine) => {
  let t: TestApp
  let options: MonitorOptions
  const fetch = (url: string) => t.app.request(url)
  beforeAll(async () => {
    t = await createTestApp(engine)
    const vkey = await logVkey(t.ctx)
    options = { vkey, expectKeys: new Set(['issuer-a']) }
  })
  afterAll(() => t?.close())
  const source = () => remoteSource({ url: 'http://localhost:8787', fetch })
  const at = (n: number, kind: 'credential' | 'revocation' | 'issuer-key', keyId: string) => ({
    ...entry(n, kind),
    keyId,
  })

  it('recomputes totals, alerts on an unexpected issuer key, follows growth, catches a fork', async () => {
    await t.ledger.append([
      at(1, 'issuer-key', 'issuer-a'),
      at(2, 'credential', 'issuer-a'),
      at(3, 'credential', 'issuer-a'),
      at(4, 'revocation', 'issuer-a'),
      at(5, 'issuer-key', 'issuer-b'),
      at(6, 'credential', 'issuer-b'),
    ])
    const first = await monitorStep(source(), emptyState(options.vkey), options)
    expect(first.advanced).toBe(true)
    expect(first.entries).toBe(6)
    expect(first.alerts.map((a) => a.code)).toEqual(['MONITOR_UNEXPECTED_KEY'])
    expect(first.alerts[0]?.message).toContain('issuer-b')
    const day = new Date(entry(2).time * 1000).toISOString().slice(0, 10)
    expect(first.state.totals).toEqual({
      credential: { 'issuer-a': { [day]: 2 }, 'issuer-b': { [day]: 1 } },
      revocation: { 'issuer-a': { [day]: 1 } },
    })
    expect(first.state.issuerKeys).toEqual(['issuer-a', 'issuer-b'])

    await t.ledger.append([at(7, 'credential', 'issuer-a')])
    const second = await monitorStep(source(), first.state, options)
    expect(second.alerts).toEqual([])
    expect(second.entries).toBe(1)
    expect(second.state.size).toBe('7')
    expect(Object.values(second.state.totals.credential?.['issuer-a'] ?? {})).toEqual([3])
    const idle = await monitorStep(source(), second.state, options)
    expect([idle.entries, idle.alerts.length, idle.advanced]).toEqual([0, 0, false])

    await forkLog(t.ctx.db, t.ctx.keys, t.ctx.config.logOrigin, 2)
    const forked = await monitorStep(source(), second.state, options)
    expect(forked.alerts.map((a) => a.code)).toEqual(['MONITOR_INCONSISTENT'])
    expect(forked.advanced).toBe(false)
    expect(forked.state).toBe(second.state)

    // A checkpoint not signed by the pinned key.
    const other = (
      await generateSignerKey(t.ctx.config.logOrigin, (n) =>
        crypto.getRandomValues(new Uint8Array(n)),
      )
    ).vkey
    const stranger = await monitorStep(source(), second.state, { ...options, vkey: other })
    expect(stranger.alerts.map((a) => a.code)).toEqual(['MONITOR_BAD_SIGNATURE'])
  })

  it('alerts on a web release the release feed does not announce', async () => {
    const fresh = await createTestApp(engine)
    try {
      const vkey = await logVkey(fresh.ctx)
      const src = remoteSource({
        url: 'http://localhost:8787',
        fetch: (url: string) => fresh.app.request(url),
      })
      const releaseFeed = async () =>
        (
          (await (await fresh.app.request('/release/feed.json')).json()) as {
            releases: AnnouncedRelease[]
          }
        ).releases
      const text = serializeReleaseManifest({
        format: 'vigil-release/v1',
        version: '0.1.0',
        commit: 'unknown',
        csp: "default-src 'self'",
        verifierCsp: "default-src 'self'",
        serviceWorker: { path: '/sw.js', sha256: 'a'.repeat(64) },
        assets: [],
      })
      await publishWebRelease({ ...fresh.ctx, actor: COMMAND_LINE }, { text })
      const announced = await monitorStep(src, emptyState(vkey), { vkey, releaseFeed })
      expect(announced.alerts).toEqual([])
      expect(announced.state.releases).toEqual(['web:1'])

      // A release entry nobody announced: logged straight into the ledger, not in the feed.
      await fresh.ledger.append([
        {
          ...entry(9),
          kind: 'verifier-release',
          keyId: 'web:2',
          artefactHash: new Uint8Array(32).fill(9),
        },
      ])
      const hidden = await monitorStep(src, announced.state, { vkey, releaseFeed })
      expect(hidden.alerts.map((a) => [a.code, a.index])).toEqual([
        ['MONITOR_RELEASE_UNANNOUNCED', String(Number(announced.state.size))],
      ])
      expect(hidden.alerts[0]?.message).toContain('web:2')
      expect(hidden.state.releases).toEqual(['web:1', 'web:2'])
    } finally {
      await fresh.close()
    }
  })
  it('lists DCC trust-list snapshots, so a list that changed shows as a new hash', async () => {
    const fresh = await createTestApp(engine)
    try {
      const vkey = await logVkey(fresh.ctx)
      const src = remoteSource({
        url: 'http://localhost:8787',
        fetch: (url: string) => fresh.app.request(url),
      })
      const list = (n: number) => ({
        ...entry(n),
        kind: 'trust-list' as const,
        keyId: 'dcc:who-gdhcn',
        artefactHash: new Uint8Array(32).fill(n),
      })
      await fresh.ledger.append([list(1), list(2)])
      const step = await monitorStep(src, emptyState(vkey), { vkey })
      expect(step.alerts).toEqual([])
      expect(step.state.trustLists).toEqual([
        { index: '0', keyId: 'dcc:who-gdhcn', sha256: '01'.repeat(32) },
        { index: '1', keyId: 'dcc:who-gdhcn', sha256: '02'.repeat(32) },
      ])
    } finally {
      await fresh.close()
    }
  })
})
