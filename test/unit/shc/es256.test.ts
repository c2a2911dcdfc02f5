/**
 * The two ES256 implementations (WebCrypto, the default; node:crypto for Node verifiers) give
 * the same answer on a good card and on each corruption: a flipped signature byte, a signature
 * from another key, and an issuer key that is not a P-256 point.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../../src/core/codec/base64.ts'
import {
  type Es256Verify,
  type ShcPublicJwk,
  signShcPayload,
  verifyShcSignature,
  webCryptoEs256,
} from '../../../src/core/shc/index.ts'
import { nodeEs256 } from '../../../src/platform/node-crypto/es256.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { createFreshIssuer, expectShcCode, type FreshIssuer } from './fixtures.ts'

let issuer: FreshIssuer
let other: FreshIssuer
let good: string
let jwk: ShcPublicJwk

beforeAll(async () => {
  issuer = await createFreshIssuer()
  other = await createFreshIssuer()
  const payload = readVectorJson<Record<string, unknown>>(
    'shc/spec-examples/example-00-b-jws-payload-expanded.json',
  )
  good = await signShcPayload(payload, issuer.keyPair)
  jwk = issuer.jwks.keys[0] as unknown as ShcPublicJwk
})

describe.each([
  ['WebCrypto', webCryptoEs256],
  ['node:crypto', nodeEs256],
] as [string, Es256Verify][])('ES256 via %s', (_name, es256) => {
  it('a good card verifies', async () => {
    await expect(verifyShcSignature(good, jwk, undefined, es256)).resolves.toBeUndefined()
  })

  it('a flipped signature byte → SHC_SIGNATURE_INVALID', async () => {
    const [h, p, s] = good.split('.') as [string, string, string]
    const sig = fromBase64Url(s)
    sig[40] = (sig[40] as number) ^ 0x80
    const jws = `${h}.${p}.${toBase64Url(sig)}`
    await expectShcCode(verifyShcSignature(jws, jwk, undefined, es256), 'SHC_SIGNATURE_INVALID')
  })

  it("another issuer's key → SHC_SIGNATURE_INVALID", async () => {
    const otherJwk = other.jwks.keys[0] as unknown as ShcPublicJwk
    await expectShcCode(
      verifyShcSignature(good, otherJwk, undefined, es256),
      'SHC_SIGNATURE_INVALID',
    )
  })

  it('a key that is not a P-256 point → SHC_KEYSET_INVALID', async () => {
    const y = fromBase64Url(jwk.y)
    y[31] = (y[31] as number) ^ 1
    const bad = { ...jwk, y: toBase64Url(y) }
    await expectShcCode(
      verifyShcSignature(good, bad, undefined, es256),
      'SHC_KEYSET_INVALID',
      'kid',
    )
  })
})
