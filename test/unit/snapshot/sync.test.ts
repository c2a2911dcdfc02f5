/**
 * core/snapshot against a real log: the app (PGlite, and Postgres when TEST_DATABASE_URL is set)
 * issues cards over HTTP and serves its tiles and checkpoint; the snapshot is built and extended
 * through core/log-client with the app's own `request` as the fetch, counting what it asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../../../src/core/codec/index.ts'
import { type LogEntry, roundToHour } from '../../../src/core/leaf/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import { NoteError } from '../../../src/core/note/index.ts'
import {
  encodeSnapshot,
  type LogSnapshot,
  openSnapshot,
  PREFIX_BYTES,
  SnapshotError,
  type SyncOptions,
  snapshotHasLeaf,
  syncSnapshot,
} from '../../../src/core/snapshot/index.ts'
import {
  credentialLeafHash,
  type OpenedTrustMaterial,
  openTrustMaterial,
} from '../../../src/core/verify/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

let serial = 0
/** Filler credential leaves appended straight to the ledger (issuing 300 cards is slow). */
function filler(n: number): LogEntry[] {
  return Array.from({ length: n }, () => {
    const artefactHash = new Uint8Array(32)
    new DataView(artefactHash.buffer).setUint32(0, ++serial)
    return { kind: 'credential', artefactHash, keyId: 'filler', time: roundToHour(1_795_000_000) }
  })
}

async function expectCode(
  job: Promise<unknown>,
  type: new (...args: never[]) => Error,
  code: string,
) {
  const err = await job.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(type)
  expect((err as { code: string }).code).toBe(code)
}

describe.each(ENGINES)('offline snapshot of a real log on %s', (engine) => {
  let t: TestApp
  let material: OpenedTrustMaterial
  let now: number
  let requests: string[]
  /** Paths asked for; `corrupt` flips one byte of a tile answer. */
  let corrupt: ((path: string) => boolean) | undefined
  const fetch = async (url: string) => {
    const path = new URL(url, 'http://localhost').pathname
    requests.push(path)
    const res = await t.app.request(url)
    if (corrupt?.(path) !== true) return res
    const bytes = new Uint8Array(await res.arrayBuffer())
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
    return new Response(bytes, { status: res.status, headers: res.headers })
  }
  const client = () => createLogClient('', fetch)
  const options = async (note?: string): Promise<SyncOptions> => ({
    readTiles: client().readTiles,
    note: note ?? (await client().checkpoint()),
    policy: material.policyValue,
    origin: material.log.origin,
    now,
  })
  const issue = async (): Promise<{ jws: string; kid: string }> => {
    const issuer = api(t, await tokenFor(t, ['issuer']))
    const { jws } = (await (await issuer.post('/api/credentials', immunization())).json()) as {
      jws: string
    }
    const kid = (
      JSON.parse(atob((jws.split('.')[0] as string).replace(/-/g, '+').replace(/_/g, '/'))) as {
        kid: string
      }
    ).kid
    return { jws, kid }
  }
  const leafOf = (card: { jws: string; kid: string }) => credentialLeafHash(card.jws, card.kid, now)

  beforeAll(async () => {
    t = await createTestApp(engine)
    now = Math.floor(t.ctx.clock.now().getTime() / 1000)
    const vkey = (await (await t.app.request('/log/key')).text()).trim()
    material = await openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)
    requests = []
    corrupt = undefined
  })
  afterAll(() => t?.close())

  let first: LogSnapshot
  let early: { jws: string; kid: string }

  it('builds from tiles checked against the signed checkpoint, and finds every logged card', async () => {
    early = await issue()
    await t.ledger.append(filler(300))
    const second = await issue()
    requests = []
    const result = await syncSnapshot(undefined, await options())
    first = result.snapshot
    const size = Number(first.size)
    expect(size).toBeGreaterThan(301)
    expect(first.prefixes.length).toBe(size * PREFIX_BYTES)
    expect(result.tiles).toBe(Math.ceil(size / 256))
    expect(result.bytes).toBe(size * 32)
    expect(requests.filter((p) => p.startsWith('/log/tile/0/'))).toHaveLength(result.tiles)
    expect(snapshotHasLeaf(first, await leafOf(early))).toBe(true)
    expect(snapshotHasLeaf(first, await leafOf(second))).toBe(true)
    // A card never logged (its leaf hash, one byte off) is not found.
    const missing = await leafOf(second)
    missing[5] = (missing[5] as number) ^ 0x80
    expect(snapshotHasLeaf(first, missing)).toBe(false)
    expect(snapshotHasLeaf(first, await sha256(new Uint8Array(1)))).toBe(false)
  })

  it('extends incrementally: only the tiles from the old size are read again', async () => {
    const late = await issue()
    await t.ledger.append(filler(10))
    expect(snapshotHasLeaf(first, await leafOf(late))).toBe(false)
    const note = await client().checkpoint()
    requests = []
    const result = await syncSnapshot(first, await options(note))
    const tiles = requests.filter((p) => p.startsWith('/log/tile/'))
    // The old size ended inside tile 1, so tile 0 (full, already held) is never asked for.
    expect(first.size).toBeGreaterThan(256n)
    expect(tiles).toEqual([`/log/tile/0/001.p/${Number(result.snapshot.size) - 256}`])
    expect(result.snapshot.size).toBe(first.size + 11n) // one card, ten fillers
    expect(snapshotHasLeaf(result.snapshot, await leafOf(late))).toBe(true)
    expect(snapshotHasLeaf(result.snapshot, await leafOf(early))).toBe(true)
    // Same as a first sync of the whole tree.
    const whole = await syncSnapshot(undefined, await options(note))
    expect(whole.snapshot.prefixes).toEqual(result.snapshot.prefixes)
    expect(whole.snapshot.range.hashes).toEqual(result.snapshot.range.hashes)
    // Nothing new: no tile at all.
    requests = []
    const again = await syncSnapshot(result.snapshot, await options(note))
    expect(again.tiles).toBe(0)
    expect(requests.filter((p) => p.startsWith('/log/tile/'))).toEqual([])
    first = result.snapshot
  })

  it('refuses tiles that do not give the checkpoint root (one byte changed)', async () => {
    corrupt = (path) => path === '/log/tile/0/000'
    try {
      await expectCode(
        syncSnapshot(undefined, await options()),
        SnapshotError,
        'SNAPSHOT_ROOT_MISMATCH',
      )
    } finally {
      corrupt = undefined
    }
  })

  it('refuses a checkpoint whose signature fails, and one of a smaller tree', async () => {
    const note = await client().checkpoint()
    // The signature line is the last one: change one character of its base64, inside a full
    // group (the final group's padding bits must stay zero, or the note is malformed instead).
    const lines = note.trimEnd().split('\n')
    const last = lines.at(-1) as string
    const flipped = `${last.slice(0, -10)}${last.at(-10) === 'A' ? 'B' : 'A'}${last.slice(-9)}`
    const forged = `${[...lines.slice(0, -1), flipped].join('\n')}\n`
    const err = await syncSnapshot(first, await options(forged)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoteError)
    expect((err as NoteError).code).toBe('NOTE_BAD_SIGNATURE')
    const older = (await client().checkpoints({ limit: 1, before: first.size })).checkpoints[0]
    expect(older).toBeDefined()
    await expectCode(
      syncSnapshot(first, await options(older?.note)),
      SnapshotError,
      'SNAPSHOT_ROLLBACK',
    )
  })

  it('stores as bytes and opens again only when they still hold', async () => {
    const bytes = encodeSnapshot(first)
    const trust = { policy: material.policyValue, origin: material.log.origin }
    const opened = await openSnapshot(bytes, trust)
    expect(opened.size).toBe(first.size)
    expect(opened.prefixes).toEqual(first.prefixes)
    expect(snapshotHasLeaf(opened, await leafOf(early))).toBe(true)
    const cut = bytes.slice(0, -1)
    await expectCode(openSnapshot(cut, trust), SnapshotError, 'SNAPSHOT_FORMAT')
    const unsorted = bytes.slice()
    unsorted.set(first.prefixes.subarray(0, PREFIX_BYTES), bytes.length - PREFIX_BYTES)
    await expectCode(openSnapshot(unsorted, trust), SnapshotError, 'SNAPSHOT_FORMAT')
  })
})
