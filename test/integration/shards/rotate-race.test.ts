/**
 * Two `vigil log rotate` processes started together against one Postgres (where they truly run
 * at once, though one may start a moment after the other committed): exactly one rotates (exit
 * 0) and the other does nothing (exit 3); one new shard, one new log key.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { keys } from '../../../src/platform/db/index.ts'
import { listShards } from '../../../src/services/ledger/index.ts'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../../helpers/app.ts'
import { POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

const CLI = fileURLToPath(new URL('../../../src/entry/cli.ts', import.meta.url))

function rotate(url: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'log', 'rotate', '--json'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PUBLIC_URL: 'http://localhost:8787',
      VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
      VIGIL_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })))
}

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  'two vigil log rotate at once (Postgres)',
  () => {
    let t: TestApp
    beforeAll(async () => {
      t = await createTestApp('postgres')
    }, 60_000)
    afterAll(async () => {
      await t?.close()
    })

    it('one new shard and one new log key', async () => {
      const url = t.database.url as string
      const logKeys = async () =>
        (await t.ctx.db.select().from(keys)).filter((k) => k.purpose === 'log').length
      const before = await logKeys()
      const runs = await Promise.all([rotate(url), rotate(url)])
      expect(runs.map((r) => r.code).sort(), runs.map((r) => r.out).join('\n')).toEqual([0, 3])
      expect(await logKeys()).toBe(before + 1)
      const shards = await listShards(t.ctx.db)
      expect(shards.map((s) => [s.id, s.state])).toEqual([
        [1, 'frozen'],
        [2, 'active'],
      ])
      // Whichever read the active shard after the other committed finds shard 2 too young
      // (--min-age, default an hour); one that read it before finds it frozen meanwhile.
      const refused = JSON.parse(runs.find((r) => r.code === 3)?.out ?? '{}')
      expect(refused).toMatchObject({ rotated: false, active: { id: 2 } })
      expect(['too-young', 'rotated-meanwhile']).toContain(refused.reason)
    }, 120_000)
  },
)
