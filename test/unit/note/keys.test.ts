import { describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import {
  computeKeyId,
  createSigner,
  formatKeyId,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signerKeyFromSeed,
} from '../../../src/core/note/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { expectCode } from './fixtures.ts'

interface SignedNotes {
  verifiable: [{ vkey: string }, { vkeys: [string, string] }]
}
interface Tessera {
  vkey: string
}
interface Skylight {
  mirror: { cosigner_vkey: string }
  witness: { witness_vkey: string; witness2_vkey: string }
}

const notes = readVectorJson<SignedNotes>('tlog/signed-notes.json')
const tessera = readVectorJson<Tessera>('tlog/tessera-testdata-log.json')
const skylight = readVectorJson<Skylight>('tlog/sunlight-skylight.json')

describe('verifier keys (vkeys)', () => {
  const published = [
    ['C2SP signed-note.md example', notes.verifiable[0].vkey],
    ['golang/mod sumdb/note PeterNeumann', notes.verifiable[1].vkeys[0]],
    ['golang/mod sumdb/note EnochRoot', notes.verifiable[1].vkeys[1]],
    ['tessera testdata/build_log.sh (base64 holds a +)', tessera.vkey],
    ['sunlight skylight mirror (type 0x04)', skylight.mirror.cosigner_vkey],
    ['sunlight skylight witness (type 0x04)', skylight.witness.witness_vkey],
    ['sunlight skylight witness2 (type 0x04)', skylight.witness.witness2_vkey],
  ] as const

  it.each(published)('%s: key ID recomputes and the vkey round-trips', (_, vkey) => {
    const key = parseVerifierKey(vkey)
    const hex = vkey.split('+')[1]
    expect(formatKeyId(key.keyId)).toBe(hex)
    expect(computeKeyId(key.name, key.type, key.publicKey)).toBe(key.keyId)
    expect(formatVerifierKey(key)).toBe(vkey)
  })

  it('C2SP signed-note.md: example.com/foo has key ID 0x530d903a, type 0x01', () => {
    const key = parseVerifierKey(notes.verifiable[0].vkey)
    expect(key).toMatchObject({ name: 'example.com/foo', keyId: 0x530d903a, type: SIG_ED25519 })
  })

  it('rejects malformed vkeys, one code each', async () => {
    const good = notes.verifiable[0].vkey
    const [name, hex, b64] = good.split('+') as [string, string, string]
    await expectCode(() => parseVerifierKey(`${name}+${hex}`), 'NOTE_VKEY_MALFORMED')
    await expectCode(() => parseVerifierKey(`+${hex}+${b64}`), 'NOTE_VKEY_MALFORMED')
    await expectCode(() => parseVerifierKey(`a b+${hex}+${b64}`), 'NOTE_VKEY_MALFORMED')
    await expectCode(() => parseVerifierKey(`a\tb+${hex}+${b64}`), 'NOTE_VKEY_MALFORMED')
    await expectCode(
      () => parseVerifierKey(`${name}+${hex.toUpperCase()}+${b64}`),
      'NOTE_VKEY_MALFORMED',
    )
    await expectCode(() => parseVerifierKey(`${name}+${hex}+${b64}!`), 'NOTE_VKEY_MALFORMED')
    await expectCode(
      () => parseVerifierKey(`${name}+${hex}+${b64.slice(0, -4)}`),
      'NOTE_VKEY_MALFORMED',
    )
    await expectCode(() => parseVerifierKey(`${name}+530d903b+${b64}`), 'NOTE_KEY_ID_MISMATCH')
    await expectCode(
      () => parseVerifierKey(`example.com/bar+${hex}+${b64}`),
      'NOTE_KEY_ID_MISMATCH',
    )
    const ecdsa = toBase64(Uint8Array.of(0x02, ...new Uint8Array(32)))
    await expectCode(() => parseVerifierKey(`${name}+${hex}+${ecdsa}`), 'NOTE_UNSUPPORTED_KEY_TYPE')
    await expectCode(
      () => parseVerifierKey(`${name}+${hex}+${'A'.repeat(8000)}`),
      'NOTE_VKEY_MALFORMED',
    )
  })
})

describe('signer keys (golang.org/x/mod/sumdb/note format)', () => {
  it('generates, formats and parses an Ed25519 signer key', async () => {
    const key = await generateSignerKey('vigil.example/log', (n) =>
      crypto.getRandomValues(new Uint8Array(n)),
    )
    expect(key.skey.startsWith('PRIVATE+KEY+vigil.example/log+')).toBe(true)
    const parsed = await parseSignerKey(key.skey)
    expect(parsed.keyId).toBe(key.keyId)
    expect(formatSignerKey(parsed)).toBe(key.skey)
    expect(formatVerifierKey(parsed)).toBe(key.vkey)
    expect(parseVerifierKey(key.vkey).publicKey).toEqual(key.publicKey)
  })

  it('derives the published sunlight skylight cosigner vkeys from gen.go seeds', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js')
    const seed = sha256(new TextEncoder().encode('skylight test mirror key'))
    const key = await signerKeyFromSeed('mirror.example.org', seed, SIG_COSIGNATURE_V1)
    expect(formatVerifierKey(key)).toBe(skylight.mirror.cosigner_vkey)
  })

  it('rejects malformed signer keys and names', async () => {
    const key = await generateSignerKey('a.example', (n) =>
      crypto.getRandomValues(new Uint8Array(n)),
    )
    await expectCode(parseSignerKey(key.skey.slice('PRIVATE+'.length)), 'NOTE_SIGNER_KEY_MALFORMED')
    await expectCode(
      parseSignerKey(key.skey.replace('+a.example+', '+b.example+')),
      'NOTE_KEY_ID_MISMATCH',
    )
    await expectCode(parseSignerKey(`${key.skey.slice(0, -4)}`), 'NOTE_SIGNER_KEY_MALFORMED')
    await expectCode(
      generateSignerKey('has space', (n) => crypto.getRandomValues(new Uint8Array(n))),
      'NOTE_KEY_NAME_INVALID',
    )
    await expectCode(
      generateSignerKey('has+plus', (n) => crypto.getRandomValues(new Uint8Array(n))),
      'NOTE_KEY_NAME_INVALID',
    )
    await expectCode(
      generateSignerKey('', (n) => crypto.getRandomValues(new Uint8Array(n))),
      'NOTE_KEY_NAME_INVALID',
    )
    await expectCode(
      generateSignerKey('nbsp\u00a0name', (n) => crypto.getRandomValues(new Uint8Array(n))),
      'NOTE_KEY_NAME_INVALID',
    )
    await expectCode(
      signerKeyFromSeed('a.example', new Uint8Array(31)),
      'NOTE_SIGNER_KEY_MALFORMED',
    )
  })

  it('a cosigner (0x04) key cannot make a plain note signer', async () => {
    const key = await generateSignerKey(
      'w.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    await expectCode(createSigner(key), 'NOTE_UNSUPPORTED_KEY_TYPE')
  })
})
