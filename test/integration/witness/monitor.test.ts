/**
 * `vigil monitor` over a real log's HTTP API (the app's own request handler, on each engine):
 * totals of credentials and revocations per issuer key and day, an alert for an unexpected
 * issuer key, consistent growth, and a fork (a rewritten leaf, re-signed) caught as
 * MONITOR_INCONSISTENT without advancing the state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey } from '../../../src/core/note/index.ts'
import { remoteSource } from '../../../src/tools/audit/remote-source.ts'
import { emptyState, type MonitorOptions, monitorStep } from '../../../src/tools/monitor/monitor.ts'
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
})
