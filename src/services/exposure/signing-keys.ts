/**
 * @module services/exposure/signing-keys
 * The export signing key and the verification-certificate key: P-256, generated on first use,
 * sealed at rest by the key store (`KeyStore.sealData`) in `exposure_signing_keys`.
 */
import { asc, eq } from 'drizzle-orm'
import { sha256, toHex } from '../../core/codec/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { exposureSigningKeys } from '../../platform/db/index.ts'

export type ExposureKeyPurpose = 'export' | 'certificate'

export interface ExposureSigningKey {
  id: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  spki: Uint8Array
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const
const cache = new WeakMap<object, Map<string, Promise<ExposureSigningKey>>>()

export function exposureKey(
  ctx: ServiceContext,
  purpose: ExposureKeyPurpose,
): Promise<ExposureSigningKey> {
  let byPurpose = cache.get(ctx.keys)
  if (byPurpose === undefined) {
    byPurpose = new Map()
    cache.set(ctx.keys, byPurpose)
  }
  let p = byPurpose.get(purpose)
  if (p === undefined) {
    p = loadOrCreate(ctx, purpose)
    p.catch(() => byPurpose.delete(purpose))
    byPurpose.set(purpose, p)
  }
  return p
}

async function loadOrCreate(
  ctx: ServiceContext,
  purpose: ExposureKeyPurpose,
): Promise<ExposureSigningKey> {
  const find = () =>
    ctx.db
      .select()
      .from(exposureSigningKeys)
      .where(eq(exposureSigningKeys.purpose, purpose))
      .orderBy(asc(exposureSigningKeys.createdAt))
      .limit(1)
  let [row] = await find()
  if (row === undefined) {
    const pair = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
    const id = `${purpose}-${toHex((await sha256(spki)).subarray(0, 8))}`
    const sealed = await ctx.keys.sealData(pkcs8, `exposure/${id}`)
    await ctx.db
      .insert(exposureSigningKeys)
      .values({ id, purpose, publicSpki: spki, sealedPrivateKey: sealed })
      .onConflictDoNothing()
    ;[row] = await find()
    if (row === undefined) throw new Error('exposure signing key vanished')
  }
  const pkcs8 = await ctx.keys.unsealData(row.sealedPrivateKey, `exposure/${row.id}`)
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    pkcs8 as Uint8Array<ArrayBuffer>,
    ALG,
    false,
    ['sign'],
  )
  const publicKey = await crypto.subtle.importKey(
    'spki',
    row.publicSpki as Uint8Array<ArrayBuffer>,
    ALG,
    true,
    ['verify'],
  )
  return { id: row.id, privateKey, publicKey, spki: row.publicSpki }
}
