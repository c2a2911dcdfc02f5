import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../../src/core/codec/base64.ts'
import {
  addCosignatures,
  createCosigner,
  createSigner,
  formatCheckpoint,
  formatTlogProof,
  formatVerifierKey,
  generateSignerKey,
  type Policy,
  parseTlogProof,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signNote,
  verifyTlogProof,
} from '../../../src/core/note/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { expectCode, inclusionPath, leafHash, replaceOnce, treeRoot } from './fixtures.ts'

interface Rekor {
  rekor_v2_log2025_1: {
    origin: string
    public_key_spki_der_b64: string
    entries: {
      log_index: number
      proof_b64: string[]
      checkpoint: string
      leaf_b64_canonicalized_body: string
    }[]
  }
}

const ORIGIN = 'vigil.example/credlog'
const LEAVES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'].map((d) => leafHash(d))

/** A 7-leaf log, checkpoint cosigned by 2 of 3 witnesses, and a proof for leaf 4. */
async function setup() {
  const log = await generateSignerKey(ORIGIN, (n) => crypto.getRandomValues(new Uint8Array(n)))
  const keys = await Promise.all(
    ['w1', 'w2', 'w3'].map((n) =>
      generateSignerKey(
        `${n}.example`,
        (n) => crypto.getRandomValues(new Uint8Array(n)),
        SIG_COSIGNATURE_V1,
      ),
    ),
  )
  const body = formatCheckpoint({
    origin: ORIGIN,
    size: 7n,
    root: treeRoot(LEAVES),
    extensions: [],
  })
  const signed = await signNote(body, [await createSigner(log)])
  const cosigners = await Promise.all(keys.slice(0, 2).map((k) => createCosigner(k)))
  const checkpoint = await addCosignatures(signed, cosigners, 1767139200n)
  const policy: Policy = {
    logs: [{ vkey: log.vkey }],
    witnesses: keys.map((k, i) => ({ name: `W${i}`, vkey: k.vkey })),
    quorum: 2,
  }
  const text = formatTlogProof({ index: 4n, proof: inclusionPath(4, LEAVES), checkpoint })
  return { text, policy, checkpoint }
}

describe('c2sp.org/tlog-proof@v1: round trip over a tiny tree', () => {
  it('formats, parses and verifies every leaf of a 7-leaf tree', async () => {
    const { policy, checkpoint } = await setup()
    for (let i = 0; i < LEAVES.length; i++) {
      const extra = i % 2 === 0 ? new TextEncoder().encode(`credential ${i}`) : undefined
      const value = {
        index: BigInt(i),
        proof: inclusionPath(i, LEAVES),
        checkpoint,
        ...(extra ? { extra } : {}),
      }
      const text = formatTlogProof(value)
      expect(parseTlogProof(text)).toEqual(value)
      const result = await verifyTlogProof(text, LEAVES[i] as Uint8Array, policy)
      expect(result.index).toBe(BigInt(i))
      expect(result.cosignatures).toHaveLength(2)
      expect(result.extra).toEqual(extra)
    }
  })

  it('the layout is header, index, hashes, blank line, checkpoint verbatim', async () => {
    const { text, checkpoint } = await setup()
    const lines = text.split('\n')
    expect(lines.slice(0, 2)).toEqual(['c2sp.org/tlog-proof@v1', 'index 4'])
    expect(lines.slice(2, 5).map((l) => fromBase64(l).length)).toEqual([32, 32, 32])
    expect(text.endsWith(`\n\n${checkpoint}`)).toBe(true)
  })
})

describe('c2sp.org/tlog-proof@v1: sigstore Rekor v2 entries rewrapped', () => {
  const rekor = readVectorJson<Rekor>('tlog/sigstore-rekor.json').rekor_v2_log2025_1
  const publicKey = fromBase64(rekor.public_key_spki_der_b64).slice(-32)
  const policy: Policy = {
    logs: [{ vkey: formatVerifierKey({ name: rekor.origin, type: SIG_ED25519, publicKey }) }],
    witnesses: [],
    quorum: 'none',
  }

  it.each(rekor.entries.map((e) => [e.log_index, e] as const))(
    'log index %i verifies',
    async (_, e) => {
      const proof = e.proof_b64.map((h) => fromBase64(h))
      const text = formatTlogProof({ index: BigInt(e.log_index), proof, checkpoint: e.checkpoint })
      const leaf = leafHash(fromBase64(e.leaf_b64_canonicalized_body))
      const result = await verifyTlogProof(text, leaf, policy, { origin: rekor.origin })
      expect(result.checkpoint.size).toBe(BigInt(e.log_index + 1))
    },
  )
})

describe('c2sp.org/tlog-proof@v1: negative cases', () => {
  it('a tampered hash line → PROOF_INCLUSION (cause: the merkle error)', async () => {
    const { text, policy } = await setup()
    const line = text.split('\n')[2] ?? ''
    const other = toBase64(new Uint8Array(32).fill(9))
    const error = await expectCode(
      verifyTlogProof(replaceOnce(text, line, other), LEAVES[4] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
    expect((error.cause as { code?: string }).code).toBe('MERKLE_ROOT_MISMATCH')
  })

  it('a tampered index → PROOF_INCLUSION', async () => {
    const { text, policy } = await setup()
    await expectCode(
      verifyTlogProof(replaceOnce(text, 'index 4\n', 'index 5\n'), LEAVES[4] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
    await expectCode(
      verifyTlogProof(replaceOnce(text, 'index 4\n', 'index 9\n'), LEAVES[4] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
  })

  it('a different leaf, or a dropped hash line → PROOF_INCLUSION', async () => {
    const { text, policy } = await setup()
    await expectCode(verifyTlogProof(text, LEAVES[3] as Uint8Array, policy), 'PROOF_INCLUSION')
    const line = text.split('\n')[2] ?? ''
    await expectCode(
      verifyTlogProof(replaceOnce(text, `${line}\n`, ''), LEAVES[4] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
  })

  it('a quorum missed inside the proof → POLICY_NOT_MET', async () => {
    const { text, policy } = await setup()
    await expectCode(
      verifyTlogProof(text, LEAVES[4] as Uint8Array, { ...policy, quorum: 3 }),
      'POLICY_NOT_MET',
    )
  })

  const malformed = [
    ['a wrong header', (t: string) => replaceOnce(t, 'tlog-proof@v1', 'tlog-proof@v2')],
    ['a leading-zero index', (t: string) => replaceOnce(t, 'index 4', 'index 04')],
    ['an index of 2^64', (t: string) => replaceOnce(t, 'index 4', 'index 18446744073709551616')],
    ['a missing index line', (t: string) => replaceOnce(t, 'index 4\n', '')],
    ['a bad extra line', (t: string) => replaceOnce(t, 'index 4', 'extra !!\nindex 4')],
    [
      'a 31-byte hash line',
      (t: string) => replaceOnce(t, t.split('\n')[2] ?? '', toBase64(new Uint8Array(31))),
    ],
    ['a non-base64 hash line', (t: string) => replaceOnce(t, t.split('\n')[2] ?? '', 'not base64')],
    ['no blank line before the checkpoint', (t: string) => t.slice(0, t.indexOf('\n\n'))],
  ] as const

  it.each(malformed)('%s → PROOF_MALFORMED', async (_, mutate) => {
    const { text } = await setup()
    await expectCode(() => parseTlogProof(mutate(text)), 'PROOF_MALFORMED')
  })

  it('more than 64 hash lines → PROOF_MALFORMED', async () => {
    const { text } = await setup()
    const hash = `${toBase64(new Uint8Array(32))}\n`
    await expectCode(
      () => parseTlogProof(replaceOnce(text, 'index 4\n', `index 4\n${hash.repeat(65)}`)),
      'PROOF_MALFORMED',
    )
  })
})
