/**
 * Issuer key rotation (issue 4): the retired key stays in the JWK Set and its cards keep
 * verifying, its CRL keeps working, each new key is announced in the ledger, another instance
 * picks up a rotation within a second, and `vigil keys rotate` does all of it from the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url } from '../../../src/core/codec/base64.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import { verifyShc } from '../../../src/core/shc/index.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import { KeyStore } from '../../../src/platform/keys/index.ts'
import { rotateIssuerKey } from '../../../src/services/credentials/index.ts'
import { listEntries } from '../../../src/services/ledger/read.ts'
import { createTestApp, seededRandom, TEST_MASTER_KEY, type TestApp } from '../../helpers/app.ts'
import { runVigil } from '../../helpers/cli.ts'
import { api, immunization, selfTrust, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON, seedDataDir } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
}

const kidOf = (jws: string): string =>
  JSON.parse(new TextDecoder().decode(fromBase64Url(jws.split('.')[0] ?? ''))).kid

describe.each(ENGINES)('issuer key rotation on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  let now: number
  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    now = Math.floor(t.ctx.clock.now().getTime() / 1000)
  })
  afterAll(() => t?.close())

  const issue = async () => {
    const res = await issuer.post('/api/credentials', immunization())
    expect(res.status).toBe(201)
    return (await res.json()) as Issued
  }
  const jwksKids = async () =>
    (
      (await (await t.app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
    ).keys.map((k) => k.kid)
  const announced = async () =>
    (await listEntries(t.ctx, { start: 0n, limit: 10_000 }))
      .filter((e) => e.kind === 'issuer-key')
      .map((e) => e.artefactHash)

  it('old cards keep verifying, new cards use the new key, both keys are published and logged', async () => {
    const before = await issue()
    const oldKid = kidOf(before.jws)
    // (The test app skips start-up's announcement of its first key; the CLI test below has it.)
    const earlier = await announced()

    const { retired, created } = await rotateIssuerKey(t.ctx)
    expect(retired).toBe(oldKid)
    expect(created).not.toBe(oldKid)

    const after = await issue()
    expect(kidOf(after.jws)).toBe(created)
    expect((await jwksKids()).sort()).toEqual([oldKid, created].sort())
    // The new key's thumbprint (its kid) is a new ledger entry.
    expect(await announced()).toEqual([...earlier, toHex(fromBase64Url(created))])
    for (const card of [before, after]) {
      const verified = await verifyShc({ jws: card.jws }, selfTrust(t), now)
      expect(verified.revoked).toBe(false)
    }

    // Revoking a card of the retired key still lands in that key's CRL.
    const revoked = await issuer.post(`/api/credentials/${before.id}/revoke`, {
      reason: 'superseded',
    })
    expect(revoked.status).toBe(200)
    const crl = (await (await t.app.request(`/.well-known/crl/${oldKid}.json`)).json()) as {
      rids: string[]
    }
    expect(crl.rids).toHaveLength(1)
    await expect(verifyShc({ jws: before.jws }, selfTrust(t), now)).rejects.toMatchObject({
      code: 'SHC_REVOKED',
    })

    const keys = (await (await t.app.request('/api/keys')).json()) as {
      keys: { id: string; status: string }[]
    }
    expect(keys.keys.find((k) => k.id === oldKid)?.status).toBe('retired')
    expect(keys.keys.find((k) => k.id === created)?.status).toBe('active')
  })

  it('a rotation by another instance is picked up within a second', async () => {
    const current = kidOf((await issue()).jws)
    // Another process on the same database (as `vigil keys rotate` is).
    const other = new KeyStore({
      db: t.ctx.db,
      masterKey: TEST_MASTER_KEY,
      random: seededRandom(7),
      logName: t.ctx.config.logOrigin,
      now: () => new Date(),
    })
    const { retired, created } = await rotateIssuerKey({ ...t.ctx, keys: other })
    expect(retired).toBe(current)
    await new Promise((r) => setTimeout(r, 1100))
    expect(kidOf((await issue()).jws)).toBe(created)
  })
})

describe('vigil keys rotate', () => {
  const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-rotate-')))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'error', DATABASE_URL: '' }
  // In process (test/helpers/cli.ts): this is about the command, not about a process.
  const vigil = (...args: string[]) => runVigil(args, env)

  it('retires the issuer key, keeps it listed, and logs the new one', {
    timeout: 120_000,
  }, async () => {
    const first = await vigil('keys', 'rotate')
    const [, oldKid, newKid] = /rotated: (\S+) -> (\S+)/.exec(first.stdout) ?? []
    expect(newKid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(oldKid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const listed = JSON.parse((await vigil('keys', 'list', '--json')).stdout) as {
      id: string
      purpose: string
      status: string
    }[]
    const issuers = listed.filter((k) => k.purpose === 'issuer')
    expect(issuers.map((k) => [k.id, k.status]).sort()).toEqual(
      [
        [oldKid, 'retired'],
        [newKid, 'active'],
      ].sort(),
    )
    // Start-up announced the first key, the rotation the second (the command has closed the
    // embedded database, so it can be opened here).
    const database = await createDb({ kind: 'pglite', dataDir: join(dir, 'db') })
    try {
      const entries = await listEntries(database, { start: 0n, limit: 100 })
      expect(entries.filter((e) => e.kind === 'issuer-key').map((e) => e.keyId)).toEqual([
        oldKid,
        newKid,
      ])
    } finally {
      await database.close()
    }
  })
})
