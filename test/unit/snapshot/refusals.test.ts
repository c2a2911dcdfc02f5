/**
 * core/snapshot refusals that a real log never produces: a log that signs two roots for one size,
 * a checkpoint of another log, and tiles of the wrong length (an in-memory log signs them).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import {
  type LogSnapshot,
  type SyncOptions,
  syncSnapshot,
} from '../../../src/core/snapshot/index.ts'
import { MemoryLog, material, NOW } from '../verify/fixtures.ts'

let log: MemoryLog
let base: SyncOptions
let snapshot: LogSnapshot

async function codeOf(job: Promise<unknown>): Promise<string | undefined> {
  return job.then(
    () => undefined,
    (e: unknown) => (e as { code?: string }).code,
  )
}

beforeAll(async () => {
  log = await MemoryLog.create()
  log.fill(40)
  const { opened } = await material(log, [])
  base = {
    readTiles: log.source().readTiles,
    note: await log.checkpoint(),
    policy: opened.policyValue,
    origin: log.origin,
    now: NOW,
  }
  snapshot = (await syncSnapshot(undefined, base)).snapshot
})

describe('syncSnapshot refuses', () => {
  it('a second root signed for the size it holds (a fork)', async () => {
    const size = log.leaves.length
    log.leaves[3] = hashLeaf(new Uint8Array([1, 2, 3]))
    const forked = await log.checkpoint(size)
    expect(await codeOf(syncSnapshot(snapshot, { ...base, note: forked }))).toBe('SNAPSHOT_FORK')
  })

  it('a checkpoint of another log', async () => {
    expect(await codeOf(syncSnapshot({ ...snapshot, origin: 'other.test/log' }, base))).toBe(
      'SNAPSHOT_LOG_MISMATCH',
    )
  })

  it('tiles that are not width × 32 bytes', async () => {
    const short = async () => [new Uint8Array(31)]
    expect(await codeOf(syncSnapshot(undefined, { ...base, readTiles: short }))).toBe(
      'SNAPSHOT_TILE_SIZE',
    )
  })
})
