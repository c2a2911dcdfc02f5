/**
 * @module platform/keys/store
 * A small key store: the log's Ed25519 key and the issuer's ES256 key, generated on first start,
 * sealed at rest under the master key, loaded by id (and cached for the store's lifetime).
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { calculateJwkThumbprint } from 'jose'
import { toHex } from '../../core/codec/index.ts'
import type { Db } from '../db/index.ts'
import { keys, ReadBatcher } from '../db/index.ts'
import { type KeyCrypto, type SignFn, webKeyCrypto } from './crypto.ts'
import { seal, unseal } from './seal.ts'

export type KeyPurpose = 'log' | 'issuer'

export interface PublicKeyInfo {
  id: string
  purpose: KeyPurpose
  algorithm: 'Ed25519' | 'ES256'
  status: 'active' | 'retired'
  publicJwk: JsonWebKey
  createdAt: Date
}

export interface SigningKey extends PublicKeyInfo {
  privateKey: CryptoKey
  /** The public half, imported once with the private key (verify only). */
  publicKey: CryptoKey
  /** Signs with `privateKey` through the store's crypto (ES256 gives r‖s). */
  sign: SignFn
}

/** A record sealed under its own data key, and that key sealed under the master key. */
export interface SealedRecord {
  sealed: Uint8Array
  wrappedKey: Uint8Array
}

/** How long an active key id read from the database is used without reading it again. */
const ACTIVE_TTL_MS = 1000

const ALGORITHMS = {
  log: { name: 'Ed25519' } as const,
  issuer: { name: 'ECDSA', namedCurve: 'P-256' } as const,
}

/**
 * Writes, inside the transaction that creates an issuer key, the log entry that announces it,
 * and returns the entry's log_pending id: the key and its announcement commit together or not
 * at all, so no key ever signs without being in the log.
 */
export type Announce = (
  tx: Pick<Db, 'select' | 'insert' | 'execute'>,
  key: PublicKeyInfo,
) => Promise<bigint>

/** Serialises key creation across processes (one log key per log, one active issuer key). */
export const KEYS_LOCK = 0x7669_6b79 // "viky"

export interface KeyStoreDeps {
  db: Db
  masterKey: Uint8Array
  random: (n: number) => Uint8Array
  /** The log's name (its checkpoint origin), which the signed-note key id commits to. */
  logName: string
  /** Seals and signatures; WebCrypto unless the platform has faster (keys/node-crypto.ts). */
  crypto?: KeyCrypto
  /** When a key is created or retired: the context's clock. */
  now: () => Date
}

export class KeyStore {
  readonly #deps: KeyStoreDeps
  readonly #cache = new Map<string, Promise<SigningKey>>()
  /** Derived secrets by label: a function of the master key alone, so they never change. */
  readonly #secrets = new Map<string, Promise<Uint8Array>>()
  /** Active key ids as last read, and when (performance.now()). */
  readonly #active = new Map<KeyPurpose, { id: string; at: number }>()
  /** Active key ids; calls in the same turn share one query (see db/read-batch.ts). */
  readonly #activeIds = new ReadBatcher<KeyPurpose, string>(async (purposes) => {
    const found = new Map<KeyPurpose, string>()
    for (const purpose of purposes) {
      const row = await this.#activeRow(purpose)
      if (row !== undefined) found.set(purpose, row.id)
    }
    return found
  })

  readonly #crypto: KeyCrypto

  constructor(deps: KeyStoreDeps) {
    this.#deps = deps
    this.#crypto = deps.crypto ?? webKeyCrypto
  }

  /**
   * Creates the keys that do not exist yet; returns the ids created. Processes that start
   * together create one key per purpose between them: the first to take the lock creates it,
   * the others find it (and the keys_one_active index would refuse a second).
   */
  async ensureKeys(announce?: Announce): Promise<string[]> {
    const created: string[] = []
    for (const purpose of ['log', 'issuer'] as const) {
      if ((await this.#activeRow(purpose)) !== undefined) continue
      const made = await this.#create(purpose, { rotate: false, announce })
      if (made !== undefined) created.push(made.created)
    }
    return created
  }

  /**
   * Generates a key (outside the transaction: key generation and sealing take a while), then
   * under the lock stores it as the active one — retiring the current one when rotating, or
   * giving up when another process created one first — with its announcement.
   */
  async #create(
    purpose: KeyPurpose,
    options: { rotate: boolean; announce: Announce | undefined },
  ): Promise<{ created: string; retired: string | undefined } | undefined> {
    const values = await this.#newKey(purpose)
    const now = this.#deps.now
    return this.#deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${KEYS_LOCK})`)
      const [current] = await tx
        .select({ id: keys.id })
        .from(keys)
        .where(and(eq(keys.purpose, purpose), eq(keys.status, 'active')))
      if (current !== undefined && !options.rotate) return undefined
      if (current !== undefined)
        await tx
          .update(keys)
          .set({ status: 'retired', retiredAt: now() })
          .where(eq(keys.id, current.id))
      const [row] = await tx.insert(keys).values(values).returning()
      if (row === undefined) throw new Error('key insert returned no row')
      if (purpose === 'issuer' && options.announce !== undefined) {
        const pendingId = await options.announce(tx, toInfo(row))
        await tx.update(keys).set({ announcedPendingId: pendingId }).where(eq(keys.id, row.id))
      }
      return { created: row.id, retired: current?.id }
    })
  }

  /**
   * A new log key for another log name (a new shard, `vigil log rotate`), not stored: the caller
   * inserts `row` in its own transaction under KEYS_LOCK, and may sign with `key` before that
   * transaction commits (the new shard's genesis checkpoint).
   */
  async prepareLogKey(name: string): Promise<{ row: typeof keys.$inferInsert; key: SigningKey }> {
    const pair = (await crypto.subtle.generateKey(ALGORITHMS.log, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const row = await this.#sealPair('log', pair, name)
    const info: PublicKeyInfo = {
      id: row.id,
      purpose: 'log',
      algorithm: 'Ed25519',
      status: 'active',
      publicJwk: row.publicJwk,
      createdAt: this.#deps.now(),
    }
    return {
      row,
      key: {
        ...info,
        privateKey: pair.privateKey,
        publicKey: pair.publicKey,
        sign: this.#crypto.signer(pair.privateKey),
      },
    }
  }

  /** A new key pair, sealed: the row to insert. */
  async #newKey(purpose: KeyPurpose): Promise<typeof keys.$inferInsert> {
    const pair = (await crypto.subtle.generateKey(ALGORITHMS[purpose], true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    return this.#sealPair(purpose, pair, this.#deps.logName)
  }

  async #sealPair(
    purpose: KeyPurpose,
    pair: CryptoKeyPair,
    logName: string,
  ): Promise<typeof keys.$inferInsert> {
    const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
    const id = await this.#keyId(purpose, publicJwk, logName)
    const sealed = await seal(this.#deps.masterKey, pkcs8, id, this.#deps.random, this.#crypto)
    const algorithm = purpose === 'log' ? 'Ed25519' : 'ES256'
    return { id, purpose, algorithm, publicJwk: pickPublic(publicJwk), sealedPrivateKey: sealed }
  }

  /** Issuer keys with no recorded announcement (created before announcements were recorded). */
  async unannouncedIssuerKeys(): Promise<PublicKeyInfo[]> {
    const rows = await this.#deps.db
      .select()
      .from(keys)
      .where(and(eq(keys.purpose, 'issuer'), isNull(keys.announcedPendingId)))
      .orderBy(asc(keys.createdAt))
    return rows.map(toInfo)
  }

  /** Records where an issuer key's announcement is (found in the log, or written now). */
  async markAnnounced(
    id: string,
    pendingId: bigint,
    tx: Pick<Db, 'update'> = this.#deps.db,
  ): Promise<void> {
    await tx.update(keys).set({ announcedPendingId: pendingId }).where(eq(keys.id, id))
  }

  async list(): Promise<PublicKeyInfo[]> {
    const rows = await this.#deps.db.select().from(keys).orderBy(asc(keys.createdAt), asc(keys.id))
    return rows.map(toInfo)
  }

  /**
   * The active key. Its id is read again once it is a second old: another instance (or
   * `vigil keys rotate`) may rotate it, and a retired key stays published, so a card signed
   * with it in that second still verifies. Rotating here takes effect at once. Re-reading on
   * every call cost each issuance a round trip.
   */
  async active(purpose: KeyPurpose): Promise<SigningKey> {
    const known = this.#active.get(purpose)
    if (known !== undefined && performance.now() - known.at < ACTIVE_TTL_MS)
      return this.load(known.id)
    const at = performance.now()
    const id = await this.#activeIds.get(purpose)
    if (id === undefined) throw new Error(`no active ${purpose} key: run start-up first`)
    this.#active.set(purpose, { id, at })
    return this.load(id)
  }

  /** Loads and unseals a key by id. */
  load(id: string): Promise<SigningKey> {
    let cached = this.#cache.get(id)
    if (cached === undefined) {
      cached = this.#load(id)
      cached.catch(() => this.#cache.delete(id))
      this.#cache.set(id, cached)
    }
    return cached
  }

  async #load(id: string): Promise<SigningKey> {
    const [row] = await this.#deps.db.select().from(keys).where(eq(keys.id, id))
    if (row === undefined) throw new Error(`unknown key ${id}`)
    const pkcs8 = await unseal(this.#deps.masterKey, row.sealedPrivateKey, row.id, this.#crypto)
    const purpose = row.purpose as KeyPurpose
    const privateKey = await crypto.subtle.importKey(
      'pkcs8',
      pkcs8 as Uint8Array<ArrayBuffer>,
      ALGORITHMS[purpose],
      false,
      ['sign'],
    )
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      row.publicJwk,
      ALGORITHMS[purpose],
      true,
      ['verify'],
    )
    return { ...toInfo(row), privateKey, publicKey, sign: this.#crypto.signer(privateKey) }
  }

  /** Seals data under the master key (AES-256-GCM, `associated` bound as AAD). */
  sealData(data: Uint8Array, associated: string): Promise<Uint8Array> {
    return seal(this.#deps.masterKey, data, associated, this.#deps.random, this.#crypto)
  }

  unsealData(sealed: Uint8Array, associated: string): Promise<Uint8Array> {
    return unseal(this.#deps.masterKey, sealed, associated, this.#crypto)
  }

  /**
   * Envelope encryption (docs/PRIVACY.md): `data` under a fresh data key bound to
   * `associated`, the data key under the master key bound to `data-key:<associated>`. Deleting
   * the record's row erases it; nothing else holds the data key.
   */
  async sealRecord(data: Uint8Array, associated: string): Promise<SealedRecord> {
    const dataKey = this.#deps.random(32)
    return {
      sealed: await seal(dataKey, data, associated, this.#deps.random, this.#crypto),
      wrappedKey: await this.sealData(dataKey, `data-key:${associated}`),
    }
  }

  async unsealRecord(record: SealedRecord, associated: string): Promise<Uint8Array> {
    const dataKey = await this.unsealData(record.wrappedKey, `data-key:${associated}`)
    return unseal(dataKey, record.sealed, associated, this.#crypto)
  }

  /**
   * A stable secret for one purpose, derived from the master key: HMAC-SHA-256(master, label).
   * Computed once per label (a copy is returned, so callers cannot alter the cached bytes).
   */
  async deriveSecret(label: string): Promise<Uint8Array> {
    return (await this.#secret(label)).slice()
  }

  /**
   * HMAC-SHA-256 (RFC 2104) of `message` under the secret derived for `label` (a keyed hash
   * nobody without the master key can test guesses against), through the runtime's crypto.
   */
  async keyedHash(label: string, message: Uint8Array): Promise<Uint8Array> {
    return this.#crypto.hmacSha256(await this.#secret(label), message)
  }

  #secret(label: string): Promise<Uint8Array> {
    let secret = this.#secrets.get(label)
    if (secret === undefined) {
      secret = this.#derive(label)
      secret.catch(() => this.#secrets.delete(label))
      this.#secrets.set(label, secret)
    }
    return secret
  }

  async #derive(label: string): Promise<Uint8Array> {
    const key = await crypto.subtle.importKey(
      'raw',
      this.#deps.masterKey as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    return new Uint8Array(
      await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`vigil/${label}`)),
    )
  }

  /**
   * Retires the active key of `purpose` (it stays published) and makes a new one active, with
   * its announcement, in one transaction.
   */
  async rotate(
    purpose: KeyPurpose,
    announce?: Announce,
  ): Promise<{ retired: string | undefined; created: string }> {
    const made = await this.#create(purpose, { rotate: true, announce })
    if (made === undefined) throw new Error('key rotation created no key')
    if (made.retired !== undefined) this.#cache.delete(made.retired)
    this.#active.delete(purpose)
    return made
  }

  async #activeRow(purpose: KeyPurpose) {
    const [row] = await this.#deps.db
      .select()
      .from(keys)
      .where(and(eq(keys.purpose, purpose), eq(keys.status, 'active')))
      .orderBy(asc(keys.createdAt))
      .limit(1)
    return row
  }

  async #keyId(purpose: KeyPurpose, jwk: JsonWebKey, logName: string): Promise<string> {
    if (purpose === 'issuer') {
      // SMART Health Cards: kid is the RFC 7638 thumbprint of the public JWK.
      return calculateJwkThumbprint(pickPublic(jwk) as Parameters<typeof calculateJwkThumbprint>[0])
    }
    // c2sp.org/signed-note: key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ pubkey)[:4].
    const pub = Uint8Array.from(atob((jwk.x ?? '').replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    )
    const name = new TextEncoder().encode(`${logName}\n`)
    const msg = new Uint8Array(name.length + 1 + pub.length)
    msg.set(name)
    msg[name.length] = 0x01
    msg.set(pub, name.length + 1)
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', msg))
    return `log-${toHex(digest.subarray(0, 4))}`
  }
}

function pickPublic(jwk: JsonWebKey): JsonWebKey {
  const { kty, crv, x, y } = jwk
  return y === undefined ? { kty, crv, x } : { kty, crv, x, y }
}

function toInfo(row: typeof keys.$inferSelect): PublicKeyInfo {
  return {
    id: row.id,
    purpose: row.purpose as KeyPurpose,
    algorithm: row.algorithm as PublicKeyInfo['algorithm'],
    status: row.status as PublicKeyInfo['status'],
    publicJwk: row.publicJwk,
    createdAt: row.createdAt,
  }
}
