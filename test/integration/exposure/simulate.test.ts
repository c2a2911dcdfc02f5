/**
 * The simulator end to end on each engine: 30 phones over 3 days meet, the positives redeem
 * tracer codes and publish through the real HTTP API, the export job runs, every phone downloads
 * and matches locally: every truly exposed phone matches, no unexposed phone does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpSimTarget } from '../../../src/entry/commands/exposure.ts'
import { nodeGaenCrypto } from '../../../src/platform/node-crypto/gaen.ts'
import { exportBatch } from '../../../src/services/exposure/index.ts'
import { simulate } from '../../../src/services/exposure/simulate.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

describe.each(ENGINES)('exposure simulator on %s', (engine) => {
  let t: TestApp
  let tracer = ''
  beforeAll(async () => {
    t = await createTestApp(engine)
    tracer = await tokenFor(t, ['tracer'])
  })
  afterAll(() => t.close())

  it('30 phones, 3 days: every exposed phone matches, no unexposed phone does', async () => {
    const target = httpSimTarget(t.app, {
      tracerToken: tracer,
      setNow: (ms) => {
        t.ctx.clock.now = () => new Date(ms)
      },
      exportNow: (ms) => exportBatch(t.ctx, { now: new Date(ms) }),
    })
    const report = await simulate(target, { phones: 30, days: 3, seed: 7, crypto: nodeGaenCrypto })
    expect(report.positives).toBeGreaterThan(0)
    expect(report.uploadedKeys).toBe(report.positives * 3)
    expect(report.downloadedKeys).toBeGreaterThanOrEqual(1000)
    expect(report.exposed).toBeGreaterThan(0)
    expect(report.exposed).toBeLessThan(30)
    expect(report.truePositives).toBe(report.exposed)
    expect(report.missed).toBe(0)
    expect(report.falsePositives).toBe(0)
  })
})
