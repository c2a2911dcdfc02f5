/**
 * The witness's decision (c2sp.org/tlog-witness §add-checkpoint), one status code at a time, and
 * the wire formats: the request body and the `text/x.tlog.size` body.
 */
import { describe, expect, it } from 'vitest'
import { EMPTY_ROOT } from '../../../src/core/merkle/index.ts'
import {
  createEd25519Verifier,
  createSigner,
  formatCheckpoint,
  generateSignerKey,
  signNote,
} from '../../../src/core/note/index.ts'
import {
  decideAddCheckpoint,
  formatAddCheckpoint,
  formatSize,
  parseAddCheckpoint,
  parseSize,
  requestOrigin,
  WitnessError,
} from '../../../src/core/witness/index.ts'
import { memoryLog } from '../../helpers/tlog.ts'

const fresh = { size: 0n, root: EMPTY_ROOT }

async function setup() {
  const log = await memoryLog()
  log.append(5)
  const keys = [await createEd25519Verifier(log.vkey)]
  return { log, keys }
}

describe('add-checkpoint body', () => {
  it('round-trips old, proof lines and the note', async () => {
    const { log } = await setup()
    const note = await log.checkpoint()
    const proof = await log.proof(3, 5)
    const body = formatAddCheckpoint({ old: 3n, proof, note })
    expect(body.startsWith('old 3\n')).toBe(true)
    const parsed = parseAddCheckpoint(body)
    expect(parsed.old).toBe(3n)
    expect(parsed.proof).toEqual(proof)
    expect(parsed.note).toBe(note)
    expect(requestOrigin(parsed)).toBe(log.origin)
    expect(parseAddCheckpoint(formatAddCheckpoint({ old: 0n, proof: [], note })).proof).toEqual([])
  })

  it.each([
    ['no blank line', 'old 1\nabc', undefined],
    ['no old line', 'new 1\n\nx', 'old'],
    ['leading zero', 'old 01\n\nx', 'old'],
    ['bad base64', 'old 1\n!!!!\n\nx', 'proof[0]'],
    ['short hash', 'old 1\nAAAA\n\nx', 'proof[0]'],
    ['64 proof lines', `old 1\n${`${'A'.repeat(43)}=\n`.repeat(64)}\nx`, 'proof'],
  ])('refuses %s (WITNESS_BAD_REQUEST)', (_, body, field) => {
    try {
      parseAddCheckpoint(body)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(WitnessError)
      expect((err as WitnessError).code).toBe('WITNESS_BAD_REQUEST')
      expect((err as WitnessError).field).toBe(field)
    }
  })

  it('the 409 size body', () => {
    expect(formatSize(42n)).toBe('42\n')
    expect(parseSize('42\n')).toBe(42n)
    expect(parseSize('42')).toBe(42n)
    expect(() => parseSize('042\n')).toThrow(WitnessError)
    expect(() => parseSize('')).toThrow(WitnessError)
  })
})

describe('the decision, status by status', () => {
  it('200: a first checkpoint with old 0 and no proof is cosigned', async () => {
    const { log, keys } = await setup()
    const d = await decideAddCheckpoint(
      { old: 0n, proof: [], note: await log.checkpoint() },
      keys,
      fresh,
    )
    expect(d.kind).toBe('cosign')
    if (d.kind === 'cosign') expect(d.checkpoint.size).toBe(5n)
  })

  it('200: a consistent extension from the cosigned size', async () => {
    const { log, keys } = await setup()
    const state = { size: 3n, root: log.root(3) }
    const note = await log.checkpoint(5)
    const d = await decideAddCheckpoint(
      { old: 3n, proof: await log.proof(3, 5), note },
      keys,
      state,
    )
    expect(d.kind).toBe('cosign')
    // Equal sizes, equal roots, empty proof: cosigned again.
    const same = await decideAddCheckpoint({ old: 5n, proof: [], note }, keys, {
      size: 5n,
      root: log.root(5),
    })
    expect(same.kind).toBe('cosign')
  })

  it('404: an origin the witness does not follow', async () => {
    const { log } = await setup()
    const d = await decideAddCheckpoint(
      { old: 0n, proof: [], note: await log.checkpoint() },
      undefined,
      fresh,
    )
    expect(d).toMatchObject({ kind: 'refuse', status: 404, code: 'WITNESS_UNKNOWN_LOG' })
  })

  it('403: signed by another key, or a bad signature from the known key', async () => {
    const { log, keys } = await setup()
    const other = await createSigner(
      await generateSignerKey(log.origin, (n) => crypto.getRandomValues(new Uint8Array(n))),
    )
    const text = formatCheckpoint({
      origin: log.origin,
      size: 5n,
      root: log.root(),
      extensions: [],
    })
    const foreign = await signNote(text, [other])
    const d = await decideAddCheckpoint({ old: 0n, proof: [], note: foreign }, keys, fresh)
    expect(d).toMatchObject({ kind: 'refuse', status: 403, code: 'WITNESS_BAD_SIGNATURE' })
    const note = await log.checkpoint()
    const tampered = note.replace('\n5\n', '\n6\n')
    const t = await decideAddCheckpoint({ old: 0n, proof: [], note: tampered }, keys, fresh)
    expect(t).toMatchObject({ kind: 'refuse', status: 403, code: 'WITNESS_BAD_SIGNATURE' })
  })

  it('400: old above the checkpoint size; a note that is not a checkpoint', async () => {
    const { log, keys } = await setup()
    const note = await log.checkpoint(3)
    const d = await decideAddCheckpoint({ old: 5n, proof: [], note }, keys, {
      size: 5n,
      root: log.root(5),
    })
    expect(d).toMatchObject({ kind: 'refuse', status: 400, code: 'WITNESS_OLD_ABOVE_SIZE' })
    const junk = await decideAddCheckpoint({ old: 0n, proof: [], note: 'hello\n' }, keys, fresh)
    expect(junk).toMatchObject({ kind: 'refuse', status: 400, code: 'WITNESS_BAD_REQUEST' })
  })

  it('409: old is not the size last cosigned (a rollback is answered with the real size)', async () => {
    const { log, keys } = await setup()
    const state = { size: 5n, root: log.root(5) }
    const older = await decideAddCheckpoint(
      { old: 0n, proof: [], note: await log.checkpoint(3) },
      keys,
      state,
    )
    expect(older).toEqual({ kind: 'conflict', size: 5n })
    const ahead = await decideAddCheckpoint(
      { old: 3n, proof: await log.proof(3, 5), note: await log.checkpoint(5) },
      keys,
      state,
    )
    expect(ahead).toEqual({ kind: 'conflict', size: 5n })
  })

  it('422: a size-0 checkpoint with a non-empty root', async () => {
    const { log, keys } = await setup()
    const text = formatCheckpoint({
      origin: log.origin,
      size: 0n,
      root: log.root(5),
      extensions: [],
    })
    const note = await signNote(text, [log.signer])
    const d = await decideAddCheckpoint({ old: 0n, proof: [], note }, keys, fresh)
    expect(d).toMatchObject({ kind: 'refuse', status: 422, code: 'WITNESS_BAD_EMPTY_ROOT' })
  })

  it('422: proof lines with old 0', async () => {
    const { log, keys } = await setup()
    const proof = await log.proof(3, 5)
    const d = await decideAddCheckpoint(
      { old: 0n, proof, note: await log.checkpoint() },
      keys,
      fresh,
    )
    expect(d).toMatchObject({ kind: 'refuse', status: 422, code: 'WITNESS_UNEXPECTED_PROOF' })
  })

  it("422 with evidence: past a frozen shard's final size, even with a valid proof and old", async () => {
    const { log, keys } = await setup()
    log.append(3)
    const size = BigInt(log.leaves.length)
    const final = { size, root: log.root(log.leaves.length), final: true }
    log.append(2) // the log's key signs a larger tree: a frozen shard never grows
    const note = await log.checkpoint()
    const proof = await log.proof(Number(size), log.leaves.length)
    const d = await decideAddCheckpoint({ old: size, proof, note }, keys, final)
    expect(d).toMatchObject({
      kind: 'refuse',
      status: 422,
      code: 'WITNESS_SHARD_FROZEN',
      inconsistent: true,
    })
    // Without the `final` mark the same request is an ordinary, consistent growth.
    const open = await decideAddCheckpoint({ old: size, proof, note }, keys, {
      ...final,
      final: false,
    })
    expect(open.kind).toBe('cosign')
  })

  it('422 with evidence: a fork (rewritten leaf) fails the consistency proof', async () => {
    const { log, keys } = await setup()
    const state = { size: 3n, root: log.root(3) }
    const fork = await memoryLog(log.origin)
    fork.leaves.push(...log.leaves)
    fork.leaves[1] = fork.leaves[4] as Uint8Array // rewrite a stored leaf
    fork.append(2)
    const note = await signNote(
      formatCheckpoint({ origin: log.origin, size: 7n, root: fork.root(), extensions: [] }),
      [log.signer], // re-signed with the real log key
    )
    const d = await decideAddCheckpoint(
      { old: 3n, proof: await fork.proof(3, 7), note },
      keys,
      state,
    )
    expect(d).toMatchObject({
      kind: 'refuse',
      status: 422,
      code: 'WITNESS_INCONSISTENT',
      inconsistent: true,
    })
    // Same size, another root: inconsistent with an empty proof too.
    const same = await signNote(
      formatCheckpoint({ origin: log.origin, size: 3n, root: fork.root(3), extensions: [] }),
      [log.signer],
    )
    const s = await decideAddCheckpoint({ old: 3n, proof: [], note: same }, keys, state)
    expect(s).toMatchObject({ status: 422, code: 'WITNESS_INCONSISTENT', inconsistent: true })
  })
})
