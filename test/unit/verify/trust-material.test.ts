/** Signed trust material: what a verifier accepts, and each way it refuses (with its code). */
import { CompactSign } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/codec/bytes.ts'
import { formatKeyId, parseVerifierKey } from '../../../src/core/note/index.ts'
import {
  MAX_SCANNED_FILE_LENGTH,
  MAX_SCANNED_TEXT,
  openTrustMaterial,
  readScannedText,
  signTrustMaterial,
  TRUST_MATERIAL_TYP,
  type TrustMaterial,
  VerifyError,
} from '../../../src/core/verify/index.ts'
import { createIssuer, issuerEntry, MemoryLog, material, type TestIssuer } from './fixtures.ts'

let log: MemoryLog
let issuer: TestIssuer
let value: TrustMaterial
let jws: string

async function expectCode(promise: Promise<unknown>, code: string) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(VerifyError)
  expect((err as VerifyError).code).toBe(code)
}

/** Signs arbitrary JSON as if it were trust material (a log key gone rogue, or a test). */
async function signRaw(json: unknown, key = log, kid?: string): Promise<string> {
  const k = parseVerifierKey(key.vkey)
  return new CompactSign(utf8(JSON.stringify(json)))
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: TRUST_MATERIAL_TYP,
      kid: kid ?? `${k.name}+${formatKeyId(k.keyId)}`,
    })
    .sign(key.privateKey)
}

beforeAll(async () => {
  log = await MemoryLog.create()
  log.fill(2)
  issuer = await createIssuer()
  ;({ value, jws } = await material(log, [issuerEntry(issuer)]))
})

describe('trust material', () => {
  it('opens with the pinned log key and keeps the policy and the signed text', async () => {
    const opened = await openTrustMaterial(jws, log.vkey)
    expect(opened.deployment).toBe('https://vigil.test')
    expect(opened.issuers[0]?.iss).toBe(issuer.iss)
    expect(opened.policyValue.quorum).toBe('none')
    expect(opened.jws).toBe(jws)
    expect(jws.split('.')).toHaveLength(3)
  })

  it('refuses another key, a tampered payload, or no JWS → VERIFY_TRUST_SIGNATURE', async () => {
    const other = await MemoryLog.create()
    await expectCode(openTrustMaterial(jws, other.vkey), 'VERIFY_TRUST_SIGNATURE')
    const [h, p, s] = jws.split('.') as [string, string, string]
    const flipped = `${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`
    await expectCode(openTrustMaterial(flipped, log.vkey), 'VERIFY_TRUST_SIGNATURE')
    await expectCode(openTrustMaterial('not a jws', log.vkey), 'VERIFY_TRUST_SIGNATURE')
    await expectCode(openTrustMaterial(jws, 'not+a+vkey'), 'VERIFY_TRUST_SIGNATURE')
  })

  it('refuses material that names another log key than the signer → VERIFY_TRUST_KEY_MISMATCH', async () => {
    const other = await MemoryLog.create()
    const signed = await signRaw({ ...value, log: { origin: other.origin, vkey: other.vkey } })
    await expectCode(openTrustMaterial(signed, log.vkey), 'VERIFY_TRUST_KEY_MISMATCH')
  })

  it.each([
    ['a wrong format', () => ({ format: 'vigil-trust/v0' })],
    ['an http deployment', () => ({ deployment: 'http://vigil.example' })],
    [
      'a loopback issuer on an https deployment',
      () => ({ issuers: [{ ...issuerEntry(issuer), iss: 'http://localhost:8787' }] }),
    ],
    ['an issuer listed twice', () => ({ issuers: [issuerEntry(issuer), issuerEntry(issuer)] })],
    ['a non-integer issuedAt', () => ({ issuedAt: 1.5 })],
    ['a checkpoint that is not a note', () => ({ checkpoint: 'hello' })],
    ['a policy without the log', () => ({ policy: 'quorum none\n' })],
    ['a malformed policy', () => ({ policy: 'log nonsense\nquorum none\n' })],
    ['an origin other than the key name', () => ({ log: { origin: 'other/log', vkey: log.vkey } })],
  ])('refuses %s → VERIFY_TRUST_FORMAT', async (_, change) => {
    const changed = { ...value, ...change() }
    await expectCode(openTrustMaterial(await signRaw(changed), log.vkey), 'VERIFY_TRUST_FORMAT')
  })

  it('refuses a header with another typ or kid → VERIFY_TRUST_FORMAT', async () => {
    await expectCode(
      openTrustMaterial(await signRaw(value, log, 'someone+00000000'), log.vkey),
      'VERIFY_TRUST_FORMAT',
    )
  })

  it('signing checks the material first', async () => {
    await expect(
      signTrustMaterial({ ...value, deployment: 'ftp://x' } as TrustMaterial, log.privateKey),
    ).rejects.toMatchObject({ code: 'VERIFY_TRUST_FORMAT' })
  })
})

describe('scanned input', () => {
  it('reads QR lines of a chunked set in any order', async () => {
    const text = 'shc:/2/2/5859\nshc:/1/2/5657'
    const card = readScannedText(text)
    expect(card.source).toBe('qr')
    expect(card.warnings).toContain('SHC_QR_CHUNKED')
    expect(card.jws).toBe('efgh')
  })

  it('tells empty from unrecognised input', () => {
    expect(() => readScannedText('')).toThrow(
      expect.objectContaining({ code: 'VERIFY_INPUT_EMPTY' }),
    )
    expect(() => readScannedText('https://example.com')).toThrow(
      expect.objectContaining({ code: 'VERIFY_INPUT_UNRECOGNISED' }),
    )
  })

  it('reads a file up to the verifier limit and refuses a longer one before parsing it', () => {
    const file = (padding: number) =>
      JSON.stringify({ verifiableCredential: ['a.b.c'], x: 'p'.repeat(padding) })
    const fits = file(MAX_SCANNED_FILE_LENGTH - file(0).length)
    expect(fits.length).toBe(MAX_SCANNED_FILE_LENGTH)
    expect(readScannedText(fits)).toMatchObject({ jws: 'a.b.c', source: 'file' })
    expect(() => readScannedText(file(MAX_SCANNED_FILE_LENGTH))).toThrow(
      expect.objectContaining({ code: 'SHC_TOO_LARGE', field: 'file' }),
    )
  })

  it('refuses any text longer than the longest QR chunk set before reading it', () => {
    expect(() => readScannedText(`${'x'.repeat(MAX_SCANNED_TEXT + 1)}`)).toThrow(
      expect.objectContaining({ code: 'SHC_TOO_LARGE', field: 'input' }),
    )
    // At the limit it is read (and found unrecognisable).
    expect(() => readScannedText('x'.repeat(MAX_SCANNED_TEXT))).toThrow(
      expect.objectContaining({ code: 'VERIFY_INPUT_UNRECOGNISED' }),
    )
  })
})
