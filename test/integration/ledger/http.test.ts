/** The public log API through app.request(), with every bad parameter a problem+json 400/404. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/base64.ts'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import {
  decodeEntryBundle,
  hashLeaf,
  rootFromLeafHashes,
  tileHashReader,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.ts'
import {
  parseNote,
  verifyCheckpointWithPolicy,
  verifyTlogProof,
} from '../../../src/core/note/index.ts'
import { parseVigilCheckpoint } from '../../../src/services/ledger/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { entry, logPolicy, logVkey } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const N = 600

describe.each(ENGINES)('log HTTP API on %s', (engine) => {
  let t: TestApp
  const entries = Array.from({ length: N }, (_, i) =>
    entry(i, i % 7 === 0 ? 'revocation' : 'credential'),
  )
  const leaves = entries.map((e) => hashLeaf(encodeEntry(e)))

  beforeAll(async () => {
    t = await createTestApp(engine)
    // Several appends, so there are several checkpoints and partial tiles.
    for (let i = 0; i < N; i += 150) await t.ledger.append(entries.slice(i, i + 150))
  })
  afterAll(() => t?.close())

  const get = (path: string) => t.app.request(path)
  const expectProblem = async (path: string, status: number, code: string) => {
    const res = await get(path)
    expect(res.status, path).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(((await res.json()) as { code: string }).code, path).toBe(code)
  }

  it('GET /log/checkpoint is a signed checkpoint of the whole tree', async () => {
    const res = await get('/log/checkpoint')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const note = await res.text()
    const verified = await verifyCheckpointWithPolicy(note, await logPolicy(t.ctx))
    expect(verified.checkpoint.size).toBe(BigInt(N))
    expect(verified.checkpoint.root).toEqual(rootFromLeafHashes(leaves))
  })

  it('GET /log/key is the vkey', async () => {
    expect((await (await get('/log/key')).text()).trim()).toBe(await logVkey(t.ctx))
  })

  it('serves tiles and entry bundles at tlog-tiles paths, immutable; a client rebuilds the root', async () => {
    const full = await get('/log/tile/0/000')
    expect(full.status).toBe(200)
    expect(full.headers.get('cache-control')).toContain('immutable')
    const bytes = new Uint8Array(await full.arrayBuffer())
    expect(bytes.length).toBe(256 * 32)
    expect(bytes.subarray(0, 32)).toEqual(leaves[0])
    // A smaller partial width is a prefix of the stored tile and stays valid forever.
    const p5 = new Uint8Array(await (await get('/log/tile/0/000.p/5')).arrayBuffer())
    expect(p5).toEqual(bytes.subarray(0, 160))
    const bundle = new Uint8Array(await (await get('/log/tile/entries/002.p/88')).arrayBuffer())
    expect(decodeEntryBundle(bundle, 88)).toEqual(entries.slice(512, 600).map(encodeEntry))
    const reader = tileHashReader(BigInt(N), async (tiles) =>
      Promise.all(
        tiles.map(async (tl) => {
          const path = `/log/tile/${tl.level}/${String(tl.index).padStart(3, '0')}${tl.width < 256 ? `.p/${tl.width}` : ''}`
          return new Uint8Array(await (await get(path)).arrayBuffer())
        }),
      ),
    )
    expect(await treeHash(BigInt(N), reader)).toEqual(rootFromLeafHashes(leaves))
  })

  it('a tile beyond the tree is 404 TILE_NOT_FOUND; a malformed path is 400', async () => {
    await expectProblem('/log/tile/0/003', 404, 'TILE_NOT_FOUND')
    await expectProblem('/log/tile/0/002.p/89', 404, 'TILE_NOT_FOUND')
    await expectProblem('/log/tile/0/02', 400, 'MERKLE_TILE_PATH')
    await expectProblem('/log/tile/0/000.p/256', 400, 'MERKLE_TILE_PATH')
  })

  it('inclusion and consistency proofs verify', async () => {
    const root = rootFromLeafHashes(leaves)
    const inc = (await (await get('/log/proof/inclusion?index=123')).json()) as {
      size: string
      proof: string[]
    }
    expect(inc.size).toBe(String(N))
    verifyInclusion(leaves[123] as Uint8Array, 123n, BigInt(N), inc.proof.map(fromBase64), root)
    const atSize = (await (await get('/log/proof/inclusion?index=3&size=150')).json()) as {
      proof: string[]
    }
    verifyInclusion(
      leaves[3] as Uint8Array,
      3n,
      150n,
      atSize.proof.map(fromBase64),
      rootFromLeafHashes(leaves.slice(0, 150)),
    )
    const con = (await (await get('/log/proof/consistency?first=300')).json()) as {
      proof: string[]
    }
    verifyConsistency(
      300n,
      BigInt(N),
      rootFromLeafHashes(leaves.slice(0, 300)),
      root,
      con.proof.map(fromBase64),
    )
  })

  it('a receipt verifies offline against the policy', async () => {
    const receipt = await (await get('/log/receipt?index=599')).text()
    await verifyTlogProof(receipt, leaves[599] as Uint8Array, await logPolicy(t.ctx))
  })

  it.each([
    ['/log/proof/inclusion?index=600', 'VALIDATION'],
    ['/log/proof/inclusion?index=0&size=601', 'VALIDATION'],
    ['/log/proof/inclusion?index=0&size=0', 'VALIDATION'],
    ['/log/proof/inclusion?index=abc', 'VALIDATION'],
    ['/log/proof/inclusion?index=007', 'VALIDATION'],
    ['/log/proof/inclusion?index=18446744073709551616', 'VALIDATION'],
    ['/log/proof/inclusion', 'VALIDATION'],
    ['/log/proof/consistency?first=0', 'VALIDATION'],
    ['/log/proof/consistency?first=10&second=5', 'VALIDATION'],
    ['/log/proof/consistency?first=1&second=601', 'VALIDATION'],
    ['/log/lookup/abcdef0', 'VALIDATION'],
    ['/log/lookup/xyz', 'VALIDATION'],
    ['/log/checkpoints?limit=0', 'VALIDATION'],
    ['/log/entries?start=-1', 'VALIDATION'],
  ])('%s is 400 %s, not 500', async (path, code) => {
    await expectProblem(path, 400, code)
  })

  it('the k-anonymous lookup returns every leaf under the prefix and no other', async () => {
    const target = leaves[42] as Uint8Array
    const prefix = Array.from(target.subarray(0, 1), (b) => b.toString(16).padStart(2, '0'))
      .join('')
      .slice(0, 2)
    const body = (await (await get(`/log/lookup/${prefix}`)).json()) as {
      matches: { leafHash: string; index: string }[]
    }
    const expected = leaves
      .map((l, i) => ({ hex: Buffer.from(l).toString('hex'), i }))
      .filter((l) => l.hex.startsWith(prefix))
    expect(body.matches.map((m) => Number(m.index)).sort((a, b) => a - b)).toEqual(
      expected.map((e) => e.i),
    )
    expect(body.matches.some((m) => m.index === '42')).toBe(true)
  })

  it('GET /log/checkpoints pages the hash chain, each linking to the one before', async () => {
    const first = (await (await get('/log/checkpoints?limit=3')).json()) as {
      checkpoints: { size: string; note: string; hash: string }[]
      next?: string
    }
    expect(first.checkpoints.map((c) => c.size)).toEqual(['600', '450', '300'])
    expect(first.next).toBe('300')
    const second = (await (
      await get(`/log/checkpoints?limit=3&before=${first.next}`)
    ).json()) as typeof first
    expect(second.checkpoints.map((c) => c.size)).toEqual(['150', '0'])
    const all = [...first.checkpoints, ...second.checkpoints]
    for (let i = 0; i < all.length - 1; i++) {
      const prev = parseVigilCheckpoint(parseNote(all[i]?.note as string).text).prev
      expect(prev && Buffer.from(prev).toString('base64')).toBe(all[i + 1]?.hash)
    }
  })

  it('GET /log/entries decodes kinds and hashes only', async () => {
    const body = (await (await get('/log/entries?start=0&limit=8')).json()) as {
      entries: { kind: string; keyId: string }[]
    }
    expect(body.entries).toHaveLength(8)
    expect(body.entries[0]?.kind).toBe('revocation')
    expect(body.entries[1]?.kind).toBe('credential')
    expect(Object.keys(body.entries[0] ?? {}).sort()).toEqual([
      'artefactHash',
      'index',
      'keyId',
      'kind',
      'leafHash',
      'time',
    ])
  })
})
