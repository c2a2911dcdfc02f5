import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../src/core/codec/bytes.ts'
import { createDb } from '../../src/platform/db/client.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { keys as keysTable } from '../../src/platform/db/schema/index.ts'
import { webKeyCrypto } from '../../src/platform/keys/crypto.ts'
import { KeyStore, SealError } from '../../src/platform/keys/index.ts'
import { seal, unseal } from '../../src/platform/keys/seal.ts'
import { nodeKeyCrypto } from '../../src/platform/node-crypto/key-crypto.ts'
import { seededRandom, TEST_MASTER_KEY } from '../helpers/app.ts'
import { createTestDatabase, ENGINES, POSTGRES_SKIP_REASON } from '../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const random = seededRandom(3)
const data = new TextEncoder().encode('sign me')

const PROVIDERS = [
  ['WebCrypto', webKeyCrypto],
  ['node:crypto', nodeKeyCrypto],
] as const

describe.each(PROVIDERS)('sealing keys at rest (AES-256-GCM) through %s', (_, aead) => {
  const other = aead === webKeyCrypto ? nodeKeyCrypto : webKeyCrypto

  it('round-trips, binds the row id, and opens with the other provider', async () => {
    const sealed = await seal(TEST_MASTER_KEY, data, 'key-1', random, aead)
    expect(await unseal(TEST_MASTER_KEY, sealed, 'key-1', aead)).toEqual(data)
    expect(await unseal(TEST_MASTER_KEY, sealed, 'key-1', other)).toEqual(data)
    await expect(unseal(TEST_MASTER_KEY, sealed, 'key-2', aead)).rejects.toMatchObject({
      code: 'KEY_UNSEAL_FAILED',
    })
  })

  it('rejects a wrong master key, a flipped byte, a cut tag and a short key', async () => {
    const sealed = await seal(TEST_MASTER_KEY, data, 'k', random, aead)
    await expect(unseal(new Uint8Array(32).fill(8), sealed, 'k', aead)).rejects.toBeInstanceOf(
      SealError,
    )
    const flipped = sealed.slice()
    flipped[20] = (flipped[20] as number) ^ 1
    await expect(unseal(TEST_MASTER_KEY, flipped, 'k', aead)).rejects.toMatchObject({
      code: 'KEY_UNSEAL_FAILED',
    })
    await expect(
      unseal(TEST_MASTER_KEY, sealed.subarray(0, sealed.length - 1), 'k', aead),
    ).rejects.toMatchObject({ code: 'KEY_UNSEAL_FAILED' })
    await expect(seal(TEST_MASTER_KEY.subarray(0, 16), data, 'k', random, aead)).rejects.toThrow(
      SealError,
    )
  })

  it('signs ES256 as r‖s and Ed25519, verifiable with WebCrypto', async () => {
    const ec = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const es = (await aead.signer(ec.privateKey)(data)) as Uint8Array<ArrayBuffer>
    expect(es).toHaveLength(64)
    const ecdsa = { name: 'ECDSA', hash: 'SHA-256' }
    expect(await crypto.subtle.verify(ecdsa, ec.publicKey, es, data)).toBe(true)
    expect(
      await crypto.subtle.verify(ecdsa, ec.publicKey, es, utf8('other') as Uint8Array<ArrayBuffer>),
    ).toBe(false)
    const ed = (await crypto.subtle.generateKey('Ed25519', false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const sig = (await aead.signer(ed.privateKey)(data)) as Uint8Array<ArrayBuffer>
    expect(await crypto.subtle.verify('Ed25519', ed.publicKey, sig, data)).toBe(true)
  })

  it('HMAC-SHA-256 gives RFC 4231 test cases 2 and 6 (a key longer than the block)', async () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
    expect(hex(await aead.hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    const longKey = new Uint8Array(131).fill(0xaa)
    const message = utf8('Test Using Larger Than Block-Size Key - Hash Key First')
    expect(hex(await aead.hmacSha256(longKey, message))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    )
  })
})

describe.each(ENGINES)('key store on %s', (engine) => {
  it('generates one log and one issuer key, idempotently, sealed, and signs with them', async () => {
    const db = await createTestDatabase(engine)
    try {
      const store = new KeyStore({
        db: db.db,
        masterKey: TEST_MASTER_KEY,
        random,
        logName: 'test.example/log',
        now: () => new Date(),
      })
      const created = await store.ensureKeys()
      expect(created).toHaveLength(2)
      expect(await store.ensureKeys()).toEqual([])
      const rows = await db.db.select().from(keysTable)
      expect(rows).toHaveLength(2)
      for (const row of rows) expect(row.sealedPrivateKey.length).toBeGreaterThan(40)
      const log = await store.active('log')
      expect(log.id).toMatch(/^log-[0-9a-f]{8}$/)
      const sig = await crypto.subtle.sign('Ed25519', log.privateKey, data)
      const pub = await crypto.subtle.importKey('jwk', log.publicJwk, 'Ed25519', false, ['verify'])
      expect(await crypto.subtle.verify('Ed25519', pub, sig, data)).toBe(true)
      const issuer = await store.active('issuer')
      expect(issuer.id).toMatch(/^[A-Za-z0-9_-]{43}$/)
      // A store with another master key cannot use the sealed keys.
      const wrong = new KeyStore({
        db: db.db,
        masterKey: new Uint8Array(32),
        random,
        logName: 'x',
        now: () => new Date(),
      })
      await expect(wrong.active('log')).rejects.toMatchObject({ code: 'KEY_UNSEAL_FAILED' })
    } finally {
      await db.drop()
    }
  })
})

describe('PGlite data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps data and keys across a restart', async () => {
    const first = await createDb({ kind: 'pglite', dataDir: dir })
    await migrate(first)
    const ids = await new KeyStore({
      db: first.db,
      masterKey: TEST_MASTER_KEY,
      random,
      logName: 'l',
      now: () => new Date(),
    }).ensureKeys()
    await first.close()

    const second = await createDb({ kind: 'pglite', dataDir: dir })
    await migrate(second) // a no-op the second time
    const store = new KeyStore({
      db: second.db,
      masterKey: TEST_MASTER_KEY,
      random,
      logName: 'l',
      now: () => new Date(),
    })
    expect(await store.ensureKeys()).toEqual([])
    expect((await store.list()).map((k) => k.id).sort()).toEqual([...ids].sort())
    expect((await store.active('log')).privateKey.type).toBe('private')
    await second.close()
  })
})
