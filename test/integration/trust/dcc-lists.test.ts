/**
 * EU DCC / GDHCN trust lists through the real app (PGlite, and Postgres when TEST_DATABASE_URL
 * is set): an import is stored and its snapshot's SHA-256 is a `trust-list` ledger entry at the
 * index the service reports (the leaf rebuilt here from the bytes is proved included); the same
 * bytes again log nothing; changed bytes log a new entry; a list with a DSC its CSCA did not sign
 * is refused with DCC_LIST_CHAIN; /trust/dcc opens with the log key and verifies an HC1 vector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256, toHex, utf8 } from '../../../src/core/codec/index.ts'
import { encodeEntry } from '../../../src/core/leaf/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import { hashLeaf, verifyInclusion } from '../../../src/core/merkle/index.ts'
import { parseCheckpoint, parseNote } from '../../../src/core/note/index.ts'
import { openDccTrust, verifyDcc } from '../../../src/core/verify/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { DAY } from '../../helpers/dcc.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { kidOf, makeCert, sha256Hex } from '../../helpers/x509.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Vector {
  PREFIX: string
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string }
}
const DE = readVectorJson<Vector>('dcc/DE/2DCode/raw/1.json')

interface Snapshot {
  name: string
  version: number
  sha256: string
  leafIndex: number
  changed: boolean
  signers: number
}

describe.each(ENGINES)('DCC trust lists on %s', (engine) => {
  let t: TestApp
  let token: string
  let jwks: string
  const put = (path: string, body: unknown) =>
    t.app.request(path, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  beforeAll(async () => {
    t = await createTestApp(engine)
    token = await tokenFor(t, ['admin'])
    const der = Uint8Array.from(atob(DE.TESTCTX.CERTIFICATE), (c) => c.charCodeAt(0))
    jwks = JSON.stringify({
      keys: [{ kty: 'EC', kid: await kidOf(der), x5c: [DE.TESTCTX.CERTIFICATE] }],
    })
  })
  afterAll(() => t?.close())

  it('logs the snapshot at the index it reports; the leaf rebuilt from the bytes is included', async () => {
    const res = await put('/api/trust/dcc/lists/de-test', {
      format: 'jwks',
      content: jwks,
      maxAge: 3600,
    })
    expect(res.status).toBe(201)
    const s = (await res.json()) as Snapshot
    expect(s).toMatchObject({ name: 'de-test', version: 1, signers: 1, changed: true })
    expect(s.sha256).toBe(toHex(await sha256(utf8(jwks))))
    expect(typeof s.leafIndex).toBe('number')

    const doc = await openDccTrust(
      await (await t.app.request('/trust/dcc')).text(),
      await logKey(t),
    )
    const [list] = doc.lists
    if (list === undefined) throw new Error('no list served')
    expect(list).toMatchObject({
      name: 'de-test',
      leafIndex: s.leafIndex,
      maxAge: 3600,
      sha256: s.sha256,
    })

    // A verifier holding the served data rebuilds the leaf and proves it at that index.
    const client = createLogClient('', (url, init) => t.app.request(url, init))
    const leaf = hashLeaf(
      encodeEntry({
        kind: 'trust-list',
        artefactHash: await sha256(utf8(jwks)),
        keyId: 'dcc:de-test',
        time: list.entryTime,
      }),
    )
    const { size, root } = parseCheckpoint(parseNote(await client.checkpoint()).text)
    const proof = await client.inclusionProof(BigInt(s.leafIndex), size)
    expect(() => verifyInclusion(leaf, BigInt(s.leafIndex), size, proof, root)).not.toThrow()
    // One byte of the list changed is another leaf, not included there.
    const other = hashLeaf(
      encodeEntry({
        kind: 'trust-list',
        artefactHash: await sha256(utf8(`${jwks} `)),
        keyId: 'dcc:de-test',
        time: list.entryTime,
      }),
    )
    expect(() => verifyInclusion(other, BigInt(s.leafIndex), size, proof, root)).toThrow()

    // And the served signers verify the vector at its validation clock.
    const verdict = await verifyDcc(DE.PREFIX, {
      trust: doc.trust,
      now: Math.floor(Date.parse(DE.TESTCTX.VALIDATIONCLOCK) / 1000),
    })
    expect(verdict.checks.find((c) => c.id === 'signature')?.code).toBe('DCC_SIGNATURE_VALID')
  })

  it('the same bytes again log nothing; changed bytes log a new entry', async () => {
    const before = await logSize(t)
    const same = await put('/api/trust/dcc/lists/de-test', { format: 'jwks', content: jwks })
    expect(same.status).toBe(200)
    expect(await same.json()).toMatchObject({ version: 1, changed: false })
    expect(await logSize(t)).toBe(before)

    const changed = `${jwks}\n`
    const res = await put('/api/trust/dcc/lists/de-test', { format: 'jwks', content: changed })
    expect(res.status).toBe(201)
    const s = (await res.json()) as Snapshot
    expect(s).toMatchObject({ version: 2, changed: true })
    expect(s.leafIndex).toBeGreaterThanOrEqual(Number(before))
    expect(await logSize(t)).toBe(before + 1n)

    const history = (await (
      await t.app.request('/api/trust/dcc/lists', { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { snapshots: Snapshot[] }
    expect(history.snapshots.map((h) => [h.name, h.version])).toEqual([
      ['de-test', 2],
      ['de-test', 1],
    ])
  })

  it('refuses an EU DTO list whose DSC its CSCA did not sign (DCC_LIST_CHAIN), logging nothing', async () => {
    const now = Math.floor(t.ctx.clock.now().getTime() / 1000)
    const span = { notBefore: now - 400 * DAY, notAfter: now + 3000 * DAY }
    const csca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
    const impostor = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
    const dsc = await makeCert({
      country: 'XA',
      cn: 'XA DSC',
      ...span,
      issuer: csca,
      signWith: impostor.privateKey,
    })
    const entry = async (c: typeof csca, type: string) => ({
      kid: await kidOf(c.der),
      timestamp: '2026-11-01T00:00:00Z',
      country: 'XA',
      certificateType: type,
      thumbprint: await sha256Hex(c.der),
      signature: '',
      rawData: c.b64,
    })
    const before = await logSize(t)
    const res = await put('/api/trust/dcc/lists/eu-gateway', {
      format: 'eu-dto',
      content: JSON.stringify([await entry(csca, 'CSCA'), await entry(dsc, 'DSC')]),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'DCC_LIST_CHAIN' })
    expect(await logSize(t)).toBe(before)
  })

  it('imports a revocation list and serves it beside the signers', async () => {
    const content = JSON.stringify({
      format: 'vigil-dcc-revocations/v1',
      batches: [
        {
          country: 'DE',
          kid: 'DEsVUSvpFAE=',
          hashType: 'UCI',
          expires: '2099-01-01T00:00:00Z',
          entries: [{ hash: 'AAAAAAAAAAAAAAAAAAAAAA==' }],
        },
      ],
    })
    const res = await put('/api/trust/dcc/revocations/de-revoked', { content })
    expect(res.status).toBe(201)
    const doc = await openDccTrust(
      await (await t.app.request('/trust/dcc')).text(),
      await logKey(t),
    )
    expect(doc.revocations.map((r) => r.name)).toEqual(['de-revoked'])
    expect(doc.revoked['DEsVUSvpFAE=']?.UCI).toEqual(['AAAAAAAAAAAAAAAAAAAAAA=='])
  })
})

async function logKey(t: TestApp): Promise<string> {
  return (await (await t.app.request('/log/key')).text()).trim()
}

async function logSize(t: TestApp): Promise<bigint> {
  const client = createLogClient('', (url, init) => t.app.request(url, init))
  return parseCheckpoint(parseNote(await client.checkpoint()).text).size
}
