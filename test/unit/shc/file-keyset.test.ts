/**
 * `.smart-health-card` files (§User retrieves Health Cards) and issuer key sets (§Determining
 * keys associated with an issuer) beyond what the vector table exercises.
 */
import { describe, expect, it } from 'vitest'
import {
  createHealthCardFile,
  parseHealthCardFile,
  SHC_FILE_MEDIA_TYPE,
  selectIssuerKey,
  validateIssuerKeySet,
  verifyShcFile,
} from '../../../src/core/shc/index.ts'
import { readVectorText } from '../../helpers/vectors.ts'
import { createFreshIssuer, expectShcCode, mirrorTrust, SPEC_AT, SPEC_KID } from './fixtures.ts'

const specJwks = readVectorText(
  'shc/issuers/spec.smarthealth.cards/examples/issuer/.well-known/jwks.json',
)

describe('.smart-health-card files', () => {
  it('parses the spec example file and verifies its card', async () => {
    const text = readVectorText('shc/spec-examples/example-00-e-file.smart-health-card')
    const jws = readVectorText('shc/spec-examples/example-00-d-jws.txt')
    expect(parseHealthCardFile(text, 'example-00-e-file.smart-health-card')).toEqual({
      jws: [jws],
      warnings: [],
    })
    const { results } = await verifyShcFile(text, mirrorTrust(), SPEC_AT)
    expect(results).toMatchObject([{ index: 0, ok: true, card: { jws } }])
    expect(SHC_FILE_MEDIA_TYPE).toBe('application/smart-health-card')
  })

  it.each([
    ['not JSON', '{"verifiableCredential":'],
    ['a JSON array', '[]'],
    ['no credentials', '{"verifiableCredential":[]}'],
    ['a non-string credential', '{"verifiableCredential":[1]}'],
    ['a string instead of a list', '{"verifiableCredential":"a.b.c"}'],
  ])('a file with %s → SHC_FILE_FORMAT', async (_, text) => {
    await expectShcCode(() => parseHealthCardFile(text), 'SHC_FILE_FORMAT')
  })

  it('creates only well-formed files', async () => {
    expect(createHealthCardFile(['a.b.c'])).toBe('{"verifiableCredential":["a.b.c"]}')
    await expectShcCode(() => createHealthCardFile([]), 'SHC_FILE_FORMAT')
    await expectShcCode(() => createHealthCardFile(['a.b']), 'SHC_JWS_FORMAT', 'jws[0]')
  })
})

describe('issuer key sets', () => {
  it('the spec issuer set holds 3Kfdg… (crlVersion 1) and EBKOr… (x5c)', async () => {
    const keys = await validateIssuerKeySet(specJwks)
    expect(keys.map((k) => [k.kid, k.crlVersion, k.x5c?.length])).toEqual([
      [SPEC_KID, 1, undefined],
      ['EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw', undefined, 3],
    ])
  })

  it('selects by kid; an unknown kid → SHC_KEY_NOT_FOUND', async () => {
    expect((await selectIssuerKey(specJwks, SPEC_KID)).kid).toBe(SPEC_KID)
    await expectShcCode(selectIssuerKey(specJwks, 'C'.repeat(43)), 'SHC_KEY_NOT_FOUND', 'kid')
  })

  it('an empty set or a repeated kid is invalid', async () => {
    const issuer = await createFreshIssuer()
    await expectShcCode(validateIssuerKeySet({ keys: [] }), 'SHC_KEYSET_INVALID', 'keys')
    const twice = { keys: [...issuer.jwks.keys, ...issuer.jwks.keys] }
    await expectShcCode(validateIssuerKeySet(twice), 'SHC_KEYSET_INVALID', 'keys')
    await expect(validateIssuerKeySet(issuer.jwks)).resolves.toHaveLength(1)
  })

  it('coordinates of the wrong length are invalid', async () => {
    const issuer = await createFreshIssuer()
    const keys = [{ ...issuer.jwks.keys[0], x: 'AAAA' }]
    await expectShcCode(validateIssuerKeySet({ keys }), 'SHC_KEYSET_INVALID', 'keys[0].x')
  })
})
