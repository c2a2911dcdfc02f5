/**
 * SHL files (IG §Encrypting and Decrypting Files): the spec's example file decrypts with the
 * spec's key; our files round-trip with and without `zip: DEF`; each way a file can be wrong is
 * refused with its own code.
 */
import { CompactEncrypt } from 'jose'
import { describe, expect, it } from 'vitest'
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../../src/core/codec/index.ts'
import { parseHealthCardFile } from '../../../src/core/shc/index.ts'
import { decryptShlFile, encryptShlFile, type ShlErrorCode } from '../../../src/core/shl/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'

const spec = readVectorJson<{ file: { key: string; contentType: string; jwe: string } }>(
  'shl/spec-examples.json',
)

const key = crypto.getRandomValues(new Uint8Array(32))
const iv = () => crypto.getRandomValues(new Uint8Array(12))
const TEXT = JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [] }).repeat(20)

async function codeOf(p: Promise<unknown>): Promise<ShlErrorCode | undefined> {
  try {
    await p
  } catch (err) {
    return (err as { code?: ShlErrorCode }).code
  }
  return undefined
}

/** Replaces part `i` of a compact JWE. */
function withPart(jwe: string, i: number, value: string): string {
  const parts = jwe.split('.')
  parts[i] = value
  return parts.join('.')
}

describe('the spec example file', () => {
  it('decrypts with the spec key to a .smart-health-card file of one card', async () => {
    const out = await decryptShlFile(spec.file.jwe, fromBase64Url(spec.file.key))
    expect(out.contentType).toBe(spec.file.contentType)
    const file = parseHealthCardFile(fromUtf8(out.plaintext))
    expect(file.jws).toHaveLength(1)
    expect(file.jws[0]?.split('.')).toHaveLength(3)
  })
})

describe('round trip', () => {
  it('with zip DEF (the default): header says so, and the ciphertext is smaller than the text', async () => {
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    const header = JSON.parse(fromUtf8(fromBase64Url(jwe.split('.')[0] as string)))
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', cty: 'application/fhir+json', zip: 'DEF' })
    expect(jwe.length).toBeLessThan(TEXT.length)
    const out = await decryptShlFile(jwe, key)
    expect(fromUtf8(out.plaintext)).toBe(TEXT)
    expect(out.contentType).toBe('application/fhir+json')
  })

  it('without zip', async () => {
    const jwe = await encryptShlFile(key, TEXT, 'application/smart-health-card', {
      iv: iv(),
      compress: false,
    })
    expect(JSON.parse(fromUtf8(fromBase64Url(jwe.split('.')[0] as string))).zip).toBeUndefined()
    expect(fromUtf8((await decryptShlFile(jwe, key)).plaintext)).toBe(TEXT)
  })

  it('two encryptions of one file under one key differ (a fresh IV each time)', async () => {
    const a = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    const b = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    expect(a.split('.')[2]).not.toBe(b.split('.')[2])
    expect(a.split('.')[3]).not.toBe(b.split('.')[3])
  })
})

describe('refusals', () => {
  it('a wrong key: SHL_DECRYPT', async () => {
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    expect(await codeOf(decryptShlFile(jwe, new Uint8Array(32)))).toBe('SHL_DECRYPT')
  })

  it('one ciphertext bit flipped, or the tag changed: SHL_DECRYPT', async () => {
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    const ct = fromBase64Url(jwe.split('.')[3] as string)
    ct[0] = (ct[0] as number) ^ 1
    expect(await codeOf(decryptShlFile(withPart(jwe, 3, toBase64Url(ct)), key))).toBe('SHL_DECRYPT')
    const tag = fromBase64Url(jwe.split('.')[4] as string)
    tag[15] = (tag[15] as number) ^ 0x80
    expect(await codeOf(decryptShlFile(withPart(jwe, 4, toBase64Url(tag)), key))).toBe(
      'SHL_DECRYPT',
    )
  })

  it('the protected header altered (it is the AAD): SHL_DECRYPT', async () => {
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    const header = toBase64Url(
      utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: 'text/plain', zip: 'DEF' })),
    )
    expect(await codeOf(decryptShlFile(withPart(jwe, 0, header), key))).toBe('SHL_DECRYPT')
  })

  it('alg or enc other than dir / A256GCM: SHL_JWE_HEADER, before any key is used', async () => {
    const other = await new CompactEncrypt(utf8(TEXT))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(key.subarray(0, 16))
    expect(await codeOf(decryptShlFile(other, key))).toBe('SHL_JWE_HEADER')
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    const zip = toBase64Url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', zip: 'GZ' })))
    expect(await codeOf(decryptShlFile(withPart(jwe, 0, zip), key))).toBe('SHL_JWE_HEADER')
  })

  it('not a compact JWE (a JWS, four parts, an encrypted key part): SHL_JWE_FORMAT', async () => {
    expect(await codeOf(decryptShlFile('a.b.c', key))).toBe('SHL_JWE_FORMAT')
    const jwe = await encryptShlFile(key, TEXT, 'application/fhir+json', { iv: iv() })
    expect(await codeOf(decryptShlFile(withPart(jwe, 1, 'AAAA'), key))).toBe('SHL_JWE_FORMAT')
    expect(await codeOf(decryptShlFile(jwe.split('.').slice(0, 4).join('.'), key))).toBe(
      'SHL_JWE_FORMAT',
    )
    expect(await codeOf(decryptShlFile(withPart(jwe, 0, 'bm90LWpzb24'), key))).toBe(
      'SHL_JWE_FORMAT',
    )
  })

  it('a file that inflates past the bound (a DEFLATE bomb): SHL_TOO_LARGE', async () => {
    const bomb = await encryptShlFile(key, '0'.repeat(2_000_000), 'application/fhir+json', {
      iv: iv(),
    })
    expect(bomb.length).toBeLessThan(10_000)
    expect(await codeOf(decryptShlFile(bomb, key, 1_000_000))).toBe('SHL_TOO_LARGE')
  })

  it('a key that is not 32 bytes is refused when encrypting', async () => {
    expect(
      await codeOf(encryptShlFile(new Uint8Array(16), TEXT, 'application/fhir+json', { iv: iv() })),
    ).toBe('SHL_KEY')
  })
})
