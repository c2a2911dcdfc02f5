/**
 * core/log-client against the real app (PGlite): every read a consumer makes, each answer checked
 * with the core's own verifiers against the log's signed checkpoint; then one failure at a time
 * (a problem+json answer, a bare status, no answer, a body of the wrong shape, a truncated tile),
 * each with its one code. A fetch shim stands for a misbehaving server only in the negative cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.ts'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import {
  createLogClient,
  type LogClient,
  LogClientError,
} from '../../../src/core/log-client/index.ts'
import {
  hashLeaf,
  MerkleError,
  proveInclusion,
  tileHashReader,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import { parseTlogProof, verifyCheckpointWithPolicy } from '../../../src/core/note/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { entry, logPolicy, logVkey } from '../../helpers/ledger.ts'

const BASE = 'http://vigil.test'
/** One full tile (256 leaves) and a partial one. */
const FIRST = 260
const SIZE = 300

describe('log client over the real log API', () => {
  let t: TestApp
  let log: LogClient
  const requested: string[] = []
  /** The app's answers, each passed through `rewrite` (a misbehaving server). */
  const over = (rewrite: (url: string, res: Response) => Response | Promise<Response>) =>
    createLogClient(BASE, async (url) => rewrite(url, await t.app.request(url)))
  const leafHash = (n: number) => hashLeaf(encodeEntry(entry(n)))

  beforeAll(async () => {
    t = await createTestApp('pglite')
    await t.ledger.append(Array.from({ length: FIRST }, (_, n) => entry(n)))
    await t.ledger.append(Array.from({ length: SIZE - FIRST }, (_, n) => entry(FIRST + n)))
    log = createLogClient(`${BASE}/`, (url) => {
      requested.push(url)
      return t.app.request(url)
    })
  })
  afterAll(() => t?.close())

  const signed = async () =>
    (await verifyCheckpointWithPolicy(await log.checkpoint(), await logPolicy(t.ctx))).checkpoint

  it('reads the key and the checkpoint the log signed, under <url>/log/ (a trailing slash ignored)', async () => {
    expect(await log.key()).toBe(await logVkey(t.ctx))
    const checkpoint = await signed()
    expect(checkpoint.size).toBe(BigInt(SIZE))
    expect(requested).toContain(`${BASE}/log/key`)
    expect(requested).toContain(`${BASE}/log/checkpoint`)
  })

  it('pages the checkpoint chain newest first', async () => {
    const [latest] = (await log.checkpoints({ limit: 1 })).checkpoints
    expect(latest?.size).toBe(String(SIZE))
    const older = await log.checkpoints({ before: BigInt(SIZE), limit: 1 })
    expect(older.checkpoints.map((c) => c.size)).toEqual([String(FIRST)])
    expect(older.next).toBe(String(FIRST))
    expect(
      (await log.checkpoints({ before: BigInt(FIRST), limit: 5 })).checkpoints.at(-1)?.size,
    ).toBe('0')
  })

  it('lists entries with their leaf hashes', async () => {
    const listed = await log.entries(5n, 3)
    expect(listed.map((e) => e.index)).toEqual(['5', '6', '7'])
    expect(listed.map((e) => e.leafHash)).toEqual([5, 6, 7].map((n) => toHex(leafHash(n))))
    expect(listed[0]?.kind).toBe('credential')
  })

  it('finds a leaf in its k-anonymous bucket, with when the log answered', async () => {
    const hex = toHex(leafHash(42))
    const answer = await log.lookup(hex.slice(0, 4))
    if (answer === 'too-many') throw new Error('a 300-leaf log has no full bucket')
    expect(answer.matches).toContainEqual({ leafHash: hex, index: '42' })
    expect(answer.matches.every((m) => m.leafHash.startsWith(hex.slice(0, 4)))).toBe(true)
    const dated = over((_, res) => {
      const copy = new Response(res.body, res)
      copy.headers.set('date', 'Tue, 25 Nov 2025 12:00:00 GMT')
      return copy
    })
    const cached = await dated.lookup(hex.slice(0, 4))
    expect(cached !== 'too-many' && cached.asOf).toBe(Date.UTC(2025, 10, 25, 12) / 1000)
  })

  it('reads full and partial hash tiles that build a proof verifying against the signed root', async () => {
    const full = await log.tile({ level: 0, index: 0n, width: 256 })
    expect(full.subarray(42 * 32, 43 * 32)).toEqual(leafHash(42))
    const partial = await log.tile({ level: 0, index: 1n, width: SIZE - 256 })
    expect(partial.length).toBe((SIZE - 256) * 32)
    expect(await log.tileBytes({ level: 0, index: 1n, width: SIZE - 256 })).toEqual(partial)
    const { size, root } = await signed()
    const proof = await proveInclusion(270n, size, tileHashReader(size, log.readTiles, root))
    expect(() => verifyInclusion(leafHash(270), 270n, size, proof, root)).not.toThrow()
  })

  it('reads entry bundles, as bytes and as entries', async () => {
    const entries = await log.bundleEntries(1n, SIZE - 256)
    expect(entries).toHaveLength(SIZE - 256)
    expect(entries[3]).toEqual(encodeEntry(entry(259)))
    expect((await log.entryBundle(1n, SIZE - 256)).length).toBe(entries.length * (2 + 55))
  })

  it('reads inclusion and consistency proofs and receipts that verify', async () => {
    const { size, root } = await signed()
    const inclusion = await log.inclusionProof(7n, size)
    expect(() => verifyInclusion(leafHash(7), 7n, size, inclusion, root)).not.toThrow()
    const older = await verifyCheckpointWithPolicy(
      (await log.checkpoints({ before: size, limit: 1 })).checkpoints[0]?.note ?? '',
      await logPolicy(t.ctx),
    )
    const consistency = await log.consistencyProof(older.checkpoint.size, size)
    expect(() =>
      verifyConsistency(older.checkpoint.size, size, older.checkpoint.root, root, consistency),
    ).not.toThrow()
    const receipt = parseTlogProof(await log.receipt(9n))
    expect(receipt.index).toBe(9n)
    expect(() => verifyInclusion(leafHash(9), 9n, size, receipt.proof, root)).not.toThrow()
  })

  it('a problem+json answer gives the server code, status and field', async () => {
    const missing = await log.tile({ level: 0, index: 5n, width: 256 }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(LogClientError)
    expect(missing).toMatchObject({ code: 'TILE_NOT_FOUND', status: 404, field: undefined })
    expect((missing as Error).message).toContain('/log/tile/0/005 answered 404')
    const invalid = await log.entries(2n ** 64n, 1).catch((e: unknown) => e)
    expect(invalid).toMatchObject({ code: 'VALIDATION', status: 400, field: 'query.start' })
  })

  it('a failure status without a problem is HTTP_<status>; no answer is NETWORK', async () => {
    const bare = over(() => new Response('upstream down', { status: 502 }))
    await expect(bare.checkpoint()).rejects.toMatchObject({ code: 'HTTP_502', status: 502 })
    const cause = new TypeError('fetch failed')
    const offline = createLogClient(BASE, () => Promise.reject(cause))
    const err = await offline.key().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'NETWORK', status: undefined, cause })
  })

  it("the log's 400 naming the prefix is 'too-many' below 6 digits, an error at 6", async () => {
    // The app's own refusal of a prefix, served for any bucket: what a full bucket answers.
    const full = createLogClient(BASE, (url) =>
      t.app.request(url.includes('/log/lookup/') ? `${BASE}/log/lookup/XYZ` : url),
    )
    expect(await full.lookup('abcd')).toBe('too-many')
    await expect(full.lookup('abcdef')).rejects.toMatchObject({
      code: 'VALIDATION',
      status: 400,
      field: 'prefix',
    })
    await expect(log.lookup('ABCD')).rejects.toThrow(RangeError)
  })

  it('an answer of the wrong shape is BAD_RESPONSE', async () => {
    const json = (body: unknown) => () => Response.json(body)
    await expect(
      over(json({ matches: [{ leafHash: 'ab', index: '1' }] })).lookup('abcd'),
    ).rejects.toMatchObject({ code: 'BAD_RESPONSE' })
    await expect(
      over(json({ matches: [{ leafHash: toHex(leafHash(1)), index: '01' }] })).lookup('abcd'),
    ).rejects.toMatchObject({ code: 'BAD_RESPONSE' })
    await expect(over(json({ entries: {} })).entries(0n, 1)).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
    })
    await expect(
      over(json({ proof: ['not base64!'] })).inclusionProof(1n, 2n),
    ).rejects.toMatchObject({ code: 'BAD_RESPONSE' })
    await expect(
      over(() => new Response('<html>')).checkpoints({ limit: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_RESPONSE' })
  })

  it('refuses a truncated tile (MERKLE_TILE_SIZE); tileBytes hands the audit what was served', async () => {
    const cut = over(async (url, res) =>
      url.endsWith('/log/tile/0/000')
        ? new Response((await res.arrayBuffer()).slice(0, 255 * 32))
        : res,
    )
    const tile = { level: 0, index: 0n, width: 256 }
    const err = await cut.tile(tile).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MerkleError)
    expect(err).toMatchObject({ code: 'MERKLE_TILE_SIZE', field: 'tile/0/000' })
    await expect(cut.readTiles([tile])).rejects.toMatchObject({ code: 'MERKLE_TILE_SIZE' })
    expect((await cut.tileBytes(tile)).length).toBe(255 * 32)
  })
})
