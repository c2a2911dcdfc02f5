import { describe, expect, it } from 'vitest'
import {
  addCosignatures,
  createCosigner,
  createSigner,
  formatCheckpoint,
  formatNote,
  formatTlogProof,
  generateSignerKey,
  type Note,
  type Policy,
  parseNote,
  SIG_COSIGNATURE_V1,
  signNote,
  verifyCheckpointWithPolicy,
  verifyTlogProof,
} from '../../../src/core/note/index.ts'
import { expectCode, inclusionPath, leafHash, treeRoot } from './fixtures.ts'

// Verified checkpoints are cached per (policy, exact note text). Each case first caches a
// success, then shows that an input differing in one respect still gets the full verdict.
const ORIGIN = 'vigil.example/cachelog'
const T = 1767139200n
const leaves = ['a', 'b', 'c', 'd', 'e'].map((d) => leafHash(d))

async function setup() {
  const log = await generateSignerKey(ORIGIN, (n) => crypto.getRandomValues(new Uint8Array(n)))
  const keys = await Promise.all(
    ['c1.example', 'c2.example', 'c3.example'].map((n) =>
      generateSignerKey(n, (n) => crypto.getRandomValues(new Uint8Array(n)), SIG_COSIGNATURE_V1),
    ),
  )
  const cosigners = await Promise.all(keys.map((k) => createCosigner(k)))
  const body = formatCheckpoint({
    origin: ORIGIN,
    size: 5n,
    root: treeRoot(leaves),
    extensions: [],
  })
  const signed = await signNote(body, [await createSigner(log)])
  const note = await addCosignatures(signed, cosigners, T)
  const policy: Policy = {
    logs: [{ vkey: log.vkey }],
    witnesses: keys.map((k, i) => ({ name: `W${i + 1}`, vkey: k.vkey })),
    quorum: 2,
  }
  expect((await verifyCheckpointWithPolicy(note, policy)).cosignatures).toHaveLength(3)
  return { note, policy }
}

/** The same note with one byte of signature line `line` flipped. */
function flipSignature(note: string, line: number): string {
  const parsed = parseNote(note)
  const signatures = parsed.signatures.map((s, i) => {
    if (i !== line) return s
    const signature = s.signature.slice()
    signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 1
    return { ...s, signature }
  })
  return formatNote({ text: parsed.text, signatures } satisfies Note)
}

describe('verified-checkpoint cache', () => {
  it('the same checkpoint text with a different log signature still fails', async () => {
    const { note, policy } = await setup()
    const forged = flipSignature(note, 0)
    expect(parseNote(forged).text).toBe(parseNote(note).text)
    await expectCode(verifyCheckpointWithPolicy(forged, policy), 'NOTE_BAD_SIGNATURE')
  })

  it('the same checkpoint text with a different cosignature still fails', async () => {
    const { note, policy } = await setup()
    await expectCode(verifyCheckpointWithPolicy(flipSignature(note, 2), policy), 'COSIGNATURE_BAD')
  })

  it('a stricter policy over the same note gets its own verdict', async () => {
    const { note, policy } = await setup()
    const w4 = await generateSignerKey(
      'c4.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    const stricter = {
      ...policy,
      witnesses: [...policy.witnesses, { name: 'W4', vkey: w4.vkey }],
      quorum: 4,
    }
    await expectCode(verifyCheckpointWithPolicy(note, stricter), 'POLICY_NOT_MET')
  })

  it('origin and notAfter are checked on a cached result', async () => {
    const { note, policy } = await setup()
    await expectCode(
      verifyCheckpointWithPolicy(note, policy, { origin: 'other.example/log' }),
      'CHECKPOINT_ORIGIN',
    )
    const err = await expectCode(
      verifyCheckpointWithPolicy(note, policy, { notAfter: T - 1n }),
      'COSIGNATURE_FUTURE',
    )
    expect(err.field).toBe('W1')
    await verifyCheckpointWithPolicy(note, policy, { origin: ORIGIN, notAfter: T })
  })

  it('a caller changing its result does not change the next one', async () => {
    const { note, policy } = await setup()
    const first = await verifyCheckpointWithPolicy(note, policy)
    first.checkpoint.root.fill(0)
    ;(first.cosignatures as unknown[]).length = 0
    const second = await verifyCheckpointWithPolicy(note, policy)
    expect(second.checkpoint.root).toEqual(treeRoot(leaves))
    expect(second.cosignatures).toHaveLength(3)
  })

  it('receipts on a cached checkpoint still check their own inclusion proof', async () => {
    const { note, policy } = await setup()
    const receipt = (i: number, proof = inclusionPath(i, leaves)) =>
      formatTlogProof({ index: BigInt(i), proof, checkpoint: note })
    await verifyTlogProof(receipt(1), leaves[1] as Uint8Array, policy)
    await expectCode(
      verifyTlogProof(receipt(1), leaves[2] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
    const bad = inclusionPath(3, leaves).map((h, i) => (i === 0 ? h.map((b) => b ^ 1) : h))
    await expectCode(
      verifyTlogProof(receipt(3, bad), leaves[3] as Uint8Array, policy),
      'PROOF_INCLUSION',
    )
  })
})
