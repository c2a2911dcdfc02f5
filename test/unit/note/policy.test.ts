import { describe, expect, it } from 'vitest'
import {
  addCosignatures,
  type Cosigner,
  createCosigner,
  createSigner,
  formatCheckpoint,
  generateSignerKey,
  type Policy,
  SIG_COSIGNATURE_V1,
  signNote,
  verifyCheckpointWithPolicy,
} from '../../../src/core/note/index.ts'
import { expectCode, replaceOnce } from './fixtures.ts'

const ORIGIN = 'vigil.example/credlog'
const T = 1767139200n

async function setup() {
  const log = await generateSignerKey(ORIGIN, (n) => crypto.getRandomValues(new Uint8Array(n)))
  const keys = await Promise.all(
    ['w1.example', 'w2.example', 'w3.example'].map((n) =>
      generateSignerKey(n, (n) => crypto.getRandomValues(new Uint8Array(n)), SIG_COSIGNATURE_V1),
    ),
  )
  const cosigners = await Promise.all(keys.map((k) => createCosigner(k)))
  const body = formatCheckpoint({
    origin: ORIGIN,
    size: 5n,
    root: new Uint8Array(32).fill(1),
    extensions: [],
  })
  const signed = await signNote(body, [await createSigner(log)])
  const policy: Policy = {
    logs: [{ vkey: log.vkey }],
    witnesses: keys.map((k, i) => ({ name: `W${i + 1}`, vkey: k.vkey })),
    quorum: 2,
  }
  return { log, keys, cosigners, body, signed, policy }
}

const cosignWith = (note: string, cosigners: readonly (Cosigner | undefined)[]) =>
  addCosignatures(note, cosigners as Cosigner[], T)

describe('witness policy: 2-of-3 round trip', () => {
  it('a log-signed checkpoint cosigned by 3 witnesses passes a 2-of-3 policy', async () => {
    const { cosigners, signed, policy } = await setup()
    const note = await cosignWith(signed, cosigners)
    const result = await verifyCheckpointWithPolicy(note, policy, { origin: ORIGIN, notAfter: T })
    expect(result.checkpoint.size).toBe(5n)
    expect(result.log.name).toBe(ORIGIN)
    expect(result.cosignatures.map((c) => [c.witness, c.timestamp])).toEqual([
      ['W1', T],
      ['W2', T],
      ['W3', T],
    ])
  })

  it('two cosignatures and an unknown third party still pass', async () => {
    const { cosigners, signed, policy } = await setup()
    const stranger = await createCosigner(
      await generateSignerKey(
        'x.example',
        (n) => crypto.getRandomValues(new Uint8Array(n)),
        SIG_COSIGNATURE_V1,
      ),
    )
    const note = await cosignWith(signed, [cosigners[0], stranger, cosigners[2]])
    const result = await verifyCheckpointWithPolicy(note, policy)
    expect(result.cosignatures.map((c) => c.witness)).toEqual(['W1', 'W3'])
  })

  it('quorum none needs only the log signature', async () => {
    const { signed, policy } = await setup()
    const result = await verifyCheckpointWithPolicy(signed, { ...policy, quorum: 'none' })
    expect(result.cosignatures).toEqual([])
  })

  it('nested groups: all of (2 of W1 W2 W3) and W3', async () => {
    const { cosigners, signed, policy } = await setup()
    const groups = [
      { name: 'X', threshold: 2, members: ['W1', 'W2', 'W3'] },
      { name: 'Q', threshold: 'all', members: ['X', 'W3'] },
    ] as const
    const nested: Policy = { ...policy, groups, quorum: 'Q' }
    await verifyCheckpointWithPolicy(await cosignWith(signed, [cosigners[0], cosigners[2]]), nested)
    const noW3 = await cosignWith(signed, [cosigners[0], cosigners[1]])
    await expectCode(verifyCheckpointWithPolicy(noW3, nested), 'POLICY_NOT_MET')
  })
})

describe('witness policy: negative cases', () => {
  it('quorum missed by one → POLICY_NOT_MET', async () => {
    const { cosigners, signed, policy } = await setup()
    await expectCode(
      verifyCheckpointWithPolicy(await cosignWith(signed, [cosigners[1]]), policy),
      'POLICY_NOT_MET',
    )
  })

  it('a bad cosignature from a known witness → COSIGNATURE_BAD', async () => {
    const { cosigners, signed, policy, body } = await setup()
    const note = await cosignWith(signed, cosigners)
    const other = body.replace('\n5\n', '\n6\n')
    const forged = await addCosignatures(`${other}\n— x AAAAAAA=\n`, [cosigners[1] as Cosigner], T)
    const forgedLine = forged.split('\n').at(-2) ?? ''
    const w2Line = note.split('\n').find((l) => l.startsWith('— w2.example ')) ?? ''
    await expectCode(
      verifyCheckpointWithPolicy(replaceOnce(note, w2Line, forgedLine), policy),
      'COSIGNATURE_BAD',
    )
  })

  it('a cosignature after notAfter → COSIGNATURE_FUTURE', async () => {
    const { cosigners, signed, policy } = await setup()
    const note = await cosignWith(signed, cosigners)
    await expectCode(
      verifyCheckpointWithPolicy(note, policy, { notAfter: T - 1n }),
      'COSIGNATURE_FUTURE',
    )
  })

  it('a corrupted log signature → NOTE_BAD_SIGNATURE', async () => {
    const { cosigners, signed, policy, log } = await setup()
    const note = await cosignWith(signed, cosigners)
    const line = note.split('\n').find((l) => l.startsWith(`— ${log.name} `)) ?? ''
    const at = line.length - 20 // inside the signature bytes, past the key ID
    const bad = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1)
    await expectCode(
      verifyCheckpointWithPolicy(replaceOnce(note, line, bad), policy),
      'NOTE_BAD_SIGNATURE',
    )
  })

  it('a checkpoint signed only by an unknown key → NOTE_UNKNOWN_KEY', async () => {
    const { body, policy } = await setup()
    const impostor = await createSigner(
      await generateSignerKey(ORIGIN, (n) => crypto.getRandomValues(new Uint8Array(n))),
    )
    await expectCode(
      verifyCheckpointWithPolicy(await signNote(body, [impostor]), policy),
      'NOTE_UNKNOWN_KEY',
    )
  })

  it('a corrupted origin, or an unexpected one → CHECKPOINT_ORIGIN', async () => {
    const { signed, policy } = await setup()
    const moved = replaceOnce(signed, `${ORIGIN}\n5`, 'vigil.example/other\n5')
    await expectCode(verifyCheckpointWithPolicy(moved, policy), 'CHECKPOINT_ORIGIN')
    await expectCode(
      verifyCheckpointWithPolicy(signed, policy, { origin: 'x' }),
      'CHECKPOINT_ORIGIN',
    )
  })

  it('a leading-zero size line → CHECKPOINT_SIZE, before any signature work', async () => {
    const { signed, policy } = await setup()
    await expectCode(
      verifyCheckpointWithPolicy(replaceOnce(signed, '\n5\n', '\n05\n'), policy),
      'CHECKPOINT_SIZE',
    )
  })

  it('a changed size line → NOTE_BAD_SIGNATURE', async () => {
    const { signed, policy } = await setup()
    await expectCode(
      verifyCheckpointWithPolicy(replaceOnce(signed, '\n5\n', '\n6\n'), policy),
      'NOTE_BAD_SIGNATURE',
    )
  })
})
