import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../../src/core/codec/base64.ts'
import {
  type Checkpoint,
  computeKeyId,
  createSigner,
  createVerifier,
  formatCheckpoint,
  formatVerifierKey,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  parseNote,
  SIG_ED25519,
  signNote,
} from '../../../src/core/note/index.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'
import { expectCode, leafHash, treeRoot } from './fixtures.ts'

interface Tessera {
  origin: string
  vkey: string
  leaves_ascii: string[]
}
interface Rekor {
  rekor_v2_log2025_1: {
    origin: string
    public_key_spki_der_b64: string
    log_id_b64: string
    entries: { tree_size: number; root_hash_b64: string; checkpoint: string }[]
  }
}
interface SignedNotes {
  format_samples_unverifiable: [unknown, { checkpoint: string }, unknown]
}

const tessera = readVectorJson<Tessera>('tlog/tessera-testdata-log.json')
const rekor = readVectorJson<Rekor>('tlog/sigstore-rekor.json').rekor_v2_log2025_1
const sofa = readVectorJson<SignedNotes>('tlog/signed-notes.json').format_samples_unverifiable[1]

describe('checkpoints: transparency-dev/tessera testdata/log', () => {
  const leaves = tessera.leaves_ascii.map((leaf) => leafHash(leaf))
  const files: [string, number][] = [
    ...Array.from({ length: 16 }, (_, n): [string, number] => [`checkpoint.${n}`, n]),
    ['checkpoint', 15],
  ]

  it.each(files)('%s verifies under the published vkey; size and root = MTH', async (file, n) => {
    const note = readVectorText(`tlog/tessera-testdata-log/${file}`)
    const opened = await openNote(note, [await createVerifier(tessera.vkey)])
    const checkpoint = parseCheckpoint(opened.text)
    expect(checkpoint.origin).toBe(tessera.origin)
    expect(checkpoint.size).toBe(BigInt(n))
    expect(checkpoint.root).toEqual(treeRoot(leaves.slice(0, n)))
    expect(checkpoint.extensions).toEqual([])
    expect(formatCheckpoint(checkpoint)).toBe(opened.text)
  })
})

describe('checkpoints: sigstore Rekor v2 (log2025-1.rekor.sigstore.dev)', () => {
  const spki = fromBase64(rekor.public_key_spki_der_b64)
  const publicKey = spki.slice(-32)
  const vkey = formatVerifierKey({ name: rekor.origin, type: SIG_ED25519, publicKey })

  it('the published log ID is the full SHA-256(origin ‖ \\n ‖ 0x01 ‖ pub)', () => {
    const hash = sha256(
      new Uint8Array([...new TextEncoder().encode(`${rekor.origin}\n`), 1, ...publicKey]),
    )
    expect(toBase64(hash)).toBe(rekor.log_id_b64)
    const keyId = new DataView(hash.buffer).getUint32(0)
    expect(computeKeyId(rekor.origin, SIG_ED25519, publicKey)).toBe(keyId)
  })

  it.each(rekor.entries.map((e) => [e.tree_size, e] as const))(
    'checkpoint at size %i verifies',
    async (_, e) => {
      const opened = await openNote(e.checkpoint, [await createVerifier(vkey)])
      const checkpoint = parseCheckpoint(opened.text)
      expect(checkpoint.size).toBe(BigInt(e.tree_size))
      expect(toBase64(checkpoint.root)).toBe(e.root_hash_b64)
    },
  )
})

describe('checkpoints: format and parse', () => {
  it('C2SP tlog-checkpoint.md sample parses (size 20852163)', () => {
    const checkpoint = parseCheckpoint(parseNote(sofa.checkpoint).text)
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa')
    expect(checkpoint.size).toBe(20852163n)
    expect(toBase64(checkpoint.root)).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=')
  })

  it('round-trips extension lines and the largest u64 size', async () => {
    const value: Checkpoint = {
      origin: 'vigil.example/log',
      size: 2n ** 64n - 1n,
      root: new Uint8Array(32).fill(7),
      extensions: ['Timestamp: 1', 'other'],
    }
    const text = formatCheckpoint(value)
    expect(parseCheckpoint(text)).toEqual(value)
    const key = await generateSignerKey('vigil.example/log', (n) =>
      crypto.getRandomValues(new Uint8Array(n)),
    )
    const note = await signNote(text, [await createSigner(key)])
    expect(parseCheckpoint((await openNote(note, [await createVerifier(key.vkey)])).text)).toEqual(
      value,
    )
  })

  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='
  const cases = [
    ['a leading-zero size', `o\n020852163\n${root}\n`, 'CHECKPOINT_SIZE'],
    ['a signed size', `o\n+1\n${root}\n`, 'CHECKPOINT_SIZE'],
    ['a size of 2^64', `o\n18446744073709551616\n${root}\n`, 'CHECKPOINT_SIZE'],
    ['an empty size line', `o\n\n${root}\n`, 'CHECKPOINT_SIZE'],
    ['a 31-byte root', `o\n1\n${toBase64(new Uint8Array(31))}\n`, 'CHECKPOINT_ROOT'],
    ['a 33-byte root', `o\n1\n${toBase64(new Uint8Array(33))}\n`, 'CHECKPOINT_ROOT'],
    ['a non-base64 root', `o\n1\n${root.replace('=', '')}\n`, 'CHECKPOINT_ROOT'],
    ['an empty origin', `\n1\n${root}\n`, 'CHECKPOINT_ORIGIN'],
    ['only two lines', 'o\n1\n', 'CHECKPOINT_MALFORMED'],
    ['no final newline', `o\n1\n${root}`, 'CHECKPOINT_MALFORMED'],
    ['an empty extension line', `o\n1\n${root}\n\next\n`, 'CHECKPOINT_MALFORMED'],
  ] as const

  it.each(cases)('%s → %s', async (_, text, code) => {
    await expectCode(() => parseCheckpoint(text), code)
  })

  it('a leading-zero size inside a signed note is caught by parseCheckpoint', async () => {
    const key = await generateSignerKey('o', (n) => crypto.getRandomValues(new Uint8Array(n)))
    const note = await signNote(`o\n01\n${root}\n`, [await createSigner(key)])
    const opened = await openNote(note, [await createVerifier(key.vkey)])
    await expectCode(() => parseCheckpoint(opened.text), 'CHECKPOINT_SIZE')
  })

  it('formatCheckpoint refuses what parseCheckpoint would reject', async () => {
    const base = { origin: 'o', size: 1n, root: new Uint8Array(32), extensions: [] }
    await expectCode(() => formatCheckpoint({ ...base, origin: '' }), 'CHECKPOINT_ORIGIN')
    await expectCode(() => formatCheckpoint({ ...base, size: -1n }), 'CHECKPOINT_SIZE')
    await expectCode(
      () => formatCheckpoint({ ...base, root: new Uint8Array(31) }),
      'CHECKPOINT_ROOT',
    )
    await expectCode(() => formatCheckpoint({ ...base, extensions: [''] }), 'CHECKPOINT_MALFORMED')
  })
})
