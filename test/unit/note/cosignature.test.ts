import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/base64.ts'
import {
  addCosignatures,
  cosign,
  cosignedMessage,
  createCosignatureVerifier,
  createCosigner,
  createRfc6962Verifier,
  createVerifier,
  derToP1363,
  formatSignatureLine,
  generateSignerKey,
  openNote,
  parseNote,
  readCosignatureTimestamp,
  SIG_COSIGNATURE_V1,
  signerKeyFromSeed,
  verifyCosignature,
} from '../../../src/core/note/index.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import { expectCode, replaceOnce } from './fixtures.ts'

interface Skylight {
  mirror: { cosigner_vkey: string; cosignature_timestamp: number }
  witness: { witness_vkey: string; witness2_vkey: string; cosignature_timestamp: number }
}
interface SignedNotes {
  format_samples_unverifiable: [
    unknown,
    { checkpoint: string },
    { checkpoint_with_cosignature: string; ed25519_cosigned_message_example: string },
  ]
}
interface MirrorJson {
  verifier_keys: string[]
}
interface LogV3 {
  description: string
  key: string
}

const skylight = readVectorJson<Skylight>('tlog/sunlight-skylight.json')
const c2sp = readVectorJson<SignedNotes>('tlog/signed-notes.json').format_samples_unverifiable[2]
const text = (path: string) => readVectorText(`tlog/sunlight-skylight/${path}`)
const T = BigInt(skylight.mirror.cosignature_timestamp)

describe('cosignatures: FiloSottile/sunlight cmd/skylight/testdata', () => {
  const cases = [
    [
      'mirror/checkpoint',
      readVectorJson<MirrorJson>('tlog/sunlight-skylight/mirror/mirror.v0.json').verifier_keys[0],
    ],
    ['witness/checkpoint', skylight.witness.witness_vkey],
    ['witness2/checkpoint', skylight.witness.witness2_vkey],
  ] as const

  it.each(cases)('%s: the type 0x04 cosignature verifies at 1767139200', async (file, vkey) => {
    const note = text(file)
    const opened = await openNote(note, [await createVerifier(vkey ?? '')])
    expect(opened.verified).toHaveLength(1)
    expect(opened.verified[0]?.type).toBe(SIG_COSIGNATURE_V1)
    expect(opened.verified[0]?.timestamp).toBe(T)
    const sig = opened.verified[0]?.signature ?? new Uint8Array()
    expect(await verifyCosignature(opened.text, sig, vkey ?? '')).toBe(T)
  })

  it('mirror: re-cosigning with the gen.go seed reproduces the exact signature line', async () => {
    const seed = sha256(new TextEncoder().encode('skylight test mirror key'))
    const cosigner = await createCosigner(await signerKeyFromSeed('mirror.example.org', seed, 4))
    const note = text('mirror/checkpoint')
    const { text: body } = parseNote(note)
    const line = formatSignatureLine(await cosign(body, cosigner, T))
    expect(`${body}\n${line}`).toBe(note)
  })

  it('rome-log and witness: the RFC 6962 TreeHeadSignature (type 0x05) verifies', async () => {
    const log = readVectorJson<LogV3>('tlog/sunlight-skylight/rome-log/log.v3.json')
    const verifier = await createRfc6962Verifier(log.description, fromBase64(log.key))
    expect(verifier.keyId).toBe(0x91507526)
    const witness = await createVerifier(skylight.witness.witness_vkey)
    expect((await openNote(text('rome-log/checkpoint'), [verifier])).verified).toHaveLength(1)
    const both = await openNote(text('witness/checkpoint'), [verifier, witness])
    expect(both.verified.map((s) => s.type)).toEqual([5, 4])
    const tampered = replaceOnce(text('rome-log/checkpoint'), '\n300\n', '\n301\n')
    await expectCode(openNote(tampered, [verifier]), 'NOTE_BAD_SIGNATURE')
  })

  it('strict DER: a non-minimal or trailing-byte ECDSA signature is refused', () => {
    const der = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02)
    expect(derToP1363(der)?.[31]).toBe(1)
    expect(
      derToP1363(Uint8Array.of(0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02)),
    ).toBeUndefined()
    expect(derToP1363(Uint8Array.of(...der, 0))).toBeUndefined()
    expect(
      derToP1363(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02)),
    ).toBeUndefined()
  })
})

describe('cosignatures: C2SP tlog-cosignature.md sample', () => {
  it('the exact v1 cosigned message bytes reproduce', () => {
    const body = parseNote(c2sp.checkpoint_with_cosignature).text
    const message = cosignedMessage(body, 1679315147n)
    expect(new TextDecoder().decode(message)).toBe(c2sp.ed25519_cosigned_message_example)
  })

  it('the sample cosignature carries timestamp 1679315147', () => {
    const sig = parseNote(c2sp.checkpoint_with_cosignature).signatures[1]
    expect(sig?.name).toBe('witness.example.com/w1')
    expect(readCosignatureTimestamp(sig?.signature ?? new Uint8Array())).toBe(1679315147n)
  })
})

describe('cosignatures: round trip and negative cases', () => {
  const body = 'vigil.example/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'

  it('cosigns, verifies and adds cosignature lines to a signed note', async () => {
    const key = await generateSignerKey(
      'w1.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    const cosigner = await createCosigner(key.skey)
    const sig = await cosign(body, cosigner, 1700000000n)
    expect(sig.signature).toHaveLength(72)
    expect(await verifyCosignature(body, sig.signature, key.vkey)).toBe(1700000000n)
    const note = `${body}\n${formatSignatureLine(sig)}`
    const other = await createCosigner(
      await generateSignerKey(
        'w2.example',
        (n) => crypto.getRandomValues(new Uint8Array(n)),
        SIG_COSIGNATURE_V1,
      ),
    )
    const both = await addCosignatures(note, [other], 1700000001n)
    const opened = await openNote(both, [await createCosignatureVerifier(key.vkey)])
    expect(opened.verified[0]?.timestamp).toBe(1700000000n)
    expect(opened.unverified.map((s) => s.name)).toEqual(['w2.example'])
  })

  it('a flipped byte, a changed timestamp, a wrong length, a huge timestamp', async () => {
    const key = await generateSignerKey(
      'w1.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    const { signature } = await cosign(body, await createCosigner(key), 1700000000n)
    const flipped = signature.slice()
    flipped[40] = (flipped[40] ?? 0) ^ 1
    await expectCode(verifyCosignature(body, flipped, key.vkey), 'COSIGNATURE_BAD')
    const later = signature.slice()
    later[7] = (later[7] ?? 0) ^ 1
    await expectCode(verifyCosignature(body, later, key.vkey), 'COSIGNATURE_BAD')
    await expectCode(
      verifyCosignature(body.replace('\n3\n', '\n4\n'), signature, key.vkey),
      'COSIGNATURE_BAD',
    )
    await expectCode(verifyCosignature(body, signature.slice(1), key.vkey), 'COSIGNATURE_MALFORMED')
    const huge = signature.slice()
    huge[0] = 0x80
    await expectCode(verifyCosignature(body, huge, key.vkey), 'COSIGNATURE_MALFORMED')
    await expectCode(cosign(body, await createCosigner(key), 2n ** 63n), 'COSIGNATURE_MALFORMED')
  })

  it('a cosigner refuses non-checkpoint text and non-0x04 keys', async () => {
    const key = await generateSignerKey(
      'w1.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    await expectCode(
      cosign('not a checkpoint\n', await createCosigner(key), 1n),
      'CHECKPOINT_MALFORMED',
    )
    await expectCode(
      createCosigner(
        await generateSignerKey('l.example', (n) => crypto.getRandomValues(new Uint8Array(n))),
      ),
      'NOTE_UNSUPPORTED_KEY_TYPE',
    )
  })
})
