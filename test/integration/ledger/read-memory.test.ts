/**
 * The log's read path from memory (issue 23): full tiles and bundles are kept once read, the
 * checkpoint is replaced by this process's integration at once and re-read within
 * CHECKPOINT_MAX_AGE_MS when another process signs one; every immutable answer carries a strong
 * ETag and If-None-Match gets 304 (RFC 9110 §13.1.2, §15.4.5).
 */
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/base64.ts'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import { hashLeaf, rootFromLeafHashes, verifyInclusion } from '../../../src/core/merkle/index.ts'
import { parseNote } from '../../../src/core/note/index.ts'
import { serveWithProblems } from '../../../src/entry/client-errors.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import { logBundles, logTiles } from '../../../src/platform/db/schema/index.ts'
import { logSigner } from '../../../src/services/ledger/checkpoint.ts'
import { parseVigilCheckpoint } from '../../../src/services/ledger/index.ts'
import { integrate } from '../../../src/services/ledger/integrate.ts'
import { CHECKPOINT_MAX_AGE_MS } from '../../../src/services/ledger/memory.ts'
import { insertPending } from '../../../src/services/ledger/storage.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry } from '../../helpers/ledger.ts'
import { freePort } from '../../helpers/server.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const N = 300

describe.each(ENGINES)('log reads from memory on %s', (engine) => {
  let t: TestApp
  const entries = Array.from({ length: N }, (_, i) => entry(i))
  const leaves = entries.map((e) => hashLeaf(encodeEntry(e)))

  beforeAll(async () => {
    t = await createTestApp(engine)
    await t.ledger.append(entries.slice(0, 256))
    await t.ledger.append(entries.slice(256))
  })
  afterAll(() => t?.close())

  const tile00 = sql`${logTiles.level} = 0 and ${logTiles.idx} = 0`
  const get = (path: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { headers })
  const size = async () => {
    const note = await (await get('/log/checkpoint')).text()
    return parseVigilCheckpoint(parseNote(note).text).size
  }

  it('a full tile has a strong ETag; If-None-Match with it (plain, weak, in a list, *) is 304', async () => {
    const res = await get('/log/tile/0/000')
    const etag = res.headers.get('etag') ?? ''
    expect(etag).toMatch(/^"[A-Za-z0-9+/]{22}"$/)
    const body = new Uint8Array(await res.arrayBuffer())
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const again = await get('/log/tile/0/000', { 'if-none-match': header })
      expect(again.status, header).toBe(304)
      expect(again.headers.get('etag')).toBe(etag)
      expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect((await again.arrayBuffer()).byteLength).toBe(0)
    }
    const other = await get('/log/tile/0/000', { 'if-none-match': '"AAAAAAAAAAAAAAAAAAAAAA"' })
    expect(other.status).toBe(200)
    expect(new Uint8Array(await other.arrayBuffer())).toEqual(body)
  })

  it('answers from memory carry the same headers as the first answer (but their own request id)', async () => {
    for (const path of ['/log/checkpoint', '/log/tile/0/000', '/log/tile/entries/000']) {
      const first = await get(path)
      const headers = (res: Response) =>
        [...res.headers].filter(([name]) => name !== 'x-request-id').sort()
      const again = await get(path)
      expect(headers(again), path).toEqual(headers(first))
      expect(headers(first).map(([name]) => name)).toEqual(
        expect.arrayContaining([
          'access-control-allow-origin',
          'content-security-policy',
          'x-content-type-options',
          'etag',
        ]),
      )
      expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
      expect(new Uint8Array(await again.arrayBuffer())).toEqual(
        new Uint8Array(await first.arrayBuffer()),
      )
      const head = await t.app.request(path, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect((await head.arrayBuffer()).byteLength).toBe(0)
    }
  })

  it('a partial tile and its prefix have different ETags', async () => {
    const a = (await get('/log/tile/0/001.p/44')).headers.get('etag')
    const b = (await get('/log/tile/0/001.p/43')).headers.get('etag')
    expect(a).toMatch(/^"/)
    expect(a).not.toBe(b)
  })

  it('a full tile or bundle once read is served from memory (its row is no longer read)', async () => {
    const tile = new Uint8Array(await (await get('/log/tile/0/000')).arrayBuffer())
    const bundle = new Uint8Array(await (await get('/log/tile/entries/000')).arrayBuffer())
    const p5 = new Uint8Array(await (await get('/log/tile/0/000.p/5')).arrayBuffer())
    // Corrupt the stored rows: a full tile is final, so what was served is still the answer.
    const [row] = await t.ctx.db.select().from(logTiles).where(tile00)
    const [bundleRow] = await t.ctx.db.select().from(logBundles).where(eq(logBundles.idx, 0n))
    await t.ctx.db
      .update(logTiles)
      .set({ hashes: new Uint8Array(1) })
      .where(tile00)
    await t.ctx.db
      .update(logBundles)
      .set({ data: new Uint8Array(3) })
      .where(eq(logBundles.idx, 0n))
    try {
      expect(new Uint8Array(await (await get('/log/tile/0/000')).arrayBuffer())).toEqual(tile)
      expect(new Uint8Array(await (await get('/log/tile/0/000.p/5')).arrayBuffer())).toEqual(p5)
      expect(new Uint8Array(await (await get('/log/tile/entries/000')).arrayBuffer())).toEqual(
        bundle,
      )
      // A proof through the tile needs no row either.
      const p = (await (await get('/log/proof/inclusion?index=7')).json()) as { proof: string[] }
      verifyInclusion(
        leaves[7] as Uint8Array,
        7n,
        BigInt(N),
        p.proof.map(fromBase64),
        rootFromLeafHashes(leaves),
      )
    } finally {
      await t.ctx.db.update(logTiles).set({ hashes: row?.hashes }).where(tile00)
      await t.ctx.db.update(logBundles).set({ data: bundleRow?.data }).where(eq(logBundles.idx, 0n))
    }
  })

  it('the checkpoint has an ETag and 304; an append replaces it at once', async () => {
    const first = await get('/log/checkpoint')
    const etag = first.headers.get('etag') ?? ''
    expect(etag).toMatch(/^"/)
    expect(first.headers.get('cache-control')).toBe('public, max-age=2')
    const same = await get('/log/checkpoint', { 'if-none-match': etag })
    expect(same.status).toBe(304)
    expect(same.headers.get('cache-control')).toBe('public, max-age=2')
    const before = await size()
    await t.ledger.append([entry(10_000)])
    const after = await get('/log/checkpoint', { 'if-none-match': etag })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(etag)
    expect(parseVigilCheckpoint(parseNote(await after.text()).text).size).toBe(before + 1n)
  })

  it('a checkpoint another process signs is served within CHECKPOINT_MAX_AGE_MS; a proof for its entries at once', async () => {
    if (engine !== 'postgres') return // one PGlite data directory is one process's
    const other = await createDb({ kind: 'postgres', url: t.database.url as string })
    try {
      const before = await size()
      const origin = t.ctx.config.logOrigin
      const signer = logSigner(await t.ctx.keys.active('log'), origin)
      await insertPending(other.db, [encodeEntry(entry(20_000))])
      const step = await integrate({ db: other.db, signer, origin, now: () => new Date() }, 1000)
      expect(step.size).toBe(before + 1n)
      // An inclusion proof for the new index reads the database's checkpoint first.
      const res = await get(`/log/proof/inclusion?index=${before}`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { size: string }).size).toBe(String(before + 1n))
      await new Promise((r) => setTimeout(r, CHECKPOINT_MAX_AGE_MS + 50))
      expect(await size()).toBe(before + 1n)
    } finally {
      await other.close()
    }
  })

  it("over Node's HTTP server, answered before @hono/node-server: the app's status, headers and bytes; HEAD, 304; credentials go the long way", async () => {
    const port = await freePort()
    let early = 0
    const server = serveWithProblems(
      {
        fetch: t.app.fetch,
        port,
        hostname: '127.0.0.1',
        early: (req, res, next) => {
          const answered = t.app.hotReads.node(req, res, next)
          if (answered) early++
          return answered
        },
      },
      t.ctx.logger,
      () => {},
    )
    await new Promise<void>((r) => server.once('listening', () => r()))
    const url = `http://127.0.0.1:${port}`
    const comparable = (res: Response) =>
      [...res.headers]
        .filter(
          ([name]) =>
            !['x-request-id', 'date', 'connection', 'keep-alive', 'content-length'].includes(name),
        )
        .sort()
    try {
      for (const path of ['/log/checkpoint', '/log/tile/0/000', '/log/tile/entries/000']) {
        const app = await get(path)
        const before = early
        const net = await fetch(`${url}${path}`)
        expect(early, path).toBe(before + 1)
        expect(net.status).toBe(200)
        expect(comparable(net), path).toEqual(comparable(app))
        const bytes = new Uint8Array(await net.arrayBuffer())
        expect(bytes).toEqual(new Uint8Array(await app.arrayBuffer()))
        expect(net.headers.get('content-length')).toBe(String(bytes.byteLength))
        const head = await fetch(`${url}${path}`, { method: 'HEAD' })
        expect(head.status).toBe(200)
        expect(head.headers.get('content-length')).toBe(String(bytes.byteLength))
        const etag = net.headers.get('etag') ?? ''
        const cached = await fetch(`${url}${path}`, { headers: { 'if-none-match': etag } })
        expect(cached.status).toBe(304)
        expect(cached.headers.get('etag')).toBe(etag)
        expect(early).toBe(before + 3)
      }
      // An inclusion proof at the latest size: the route's computation, written early once the
      // app has answered one; the same bytes and headers as the app's, and verifying.
      const proofPath = '/log/proof/inclusion?index=5'
      const fromApp = await get(proofPath)
      expect(fromApp.status).toBe(200)
      const appBody = await fromApp.text()
      await fetch(`${url}/log/proof/inclusion?index=4`) // the app's first: its headers are learnt
      const beforeProof = early
      const proofNet = await fetch(`${url}${proofPath}`)
      expect(early).toBe(beforeProof + 1)
      expect(proofNet.status).toBe(200)
      expect(comparable(proofNet)).toEqual(comparable(fromApp))
      const proofText = await proofNet.text()
      expect(proofText).toBe(appBody)
      expect(proofNet.headers.get('content-length')).toBe(String(proofText.length))
      const answer = JSON.parse(proofText) as { size: string; proof: string[] }
      const checkpoint = parseVigilCheckpoint(
        parseNote(await (await get('/log/checkpoint')).text()).text,
      )
      verifyInclusion(
        leaves[5] as Uint8Array,
        5n,
        BigInt(answer.size),
        answer.proof.map((p) => fromBase64(p)),
        checkpoint.root,
      )
      // What the route refuses is still the app's answer (a problem, not a hang).
      const past = await fetch(`${url}/log/proof/inclusion?index=999999`)
      expect(past.status).toBe(400)
      expect(((await past.json()) as { code: string }).code).toBe('VALIDATION')
      const sized = await fetch(`${url}/log/proof/inclusion?index=5&size=${answer.size}`)
      expect(sized.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      // A bad token is refused as on any route; a query or a partial tile is the app's.
      const bad = await fetch(`${url}/log/checkpoint`, {
        headers: { authorization: 'Bearer nope' },
      })
      expect(bad.status).toBe(401)
      const before = early
      expect((await fetch(`${url}/log/checkpoint?x=1`)).status).toBe(200)
      expect((await fetch(`${url}/log/tile/0/001.p/44`)).status).toBe(200)
      expect((await fetch(`${url}/log/tile/0/999`)).status).toBe(404)
      expect(early).toBe(before)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
