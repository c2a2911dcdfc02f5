/**
 * core/verify/rule-proof: a venue proves which entry rules it applied. The rule release's leaf
 * is rebuilt from its text and proved at the index the signed trust material names, against a
 * checkpoint verified under the witness policy; one corrupted proof byte, another text, another
 * index or an unsigned checkpoint is refused with VERIFY_RULES_PROOF.
 */
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { sha256, toHex, utf8 } from '../../../src/core/codec/index.ts'
import { proveInclusion, rootFromLeafHashes } from '../../../src/core/merkle/index.ts'
import {
  checkRuleProof,
  fetchRuleProof,
  type OpenedTrustMaterial,
  openTrustMaterial,
  parseRuleProof,
  type RuleProof,
  type RuleRelease,
  ruleReleaseLeafHash,
  signTrustMaterial,
} from '../../../src/core/verify/index.ts'
import { createIssuer, issuerEntry, MemoryLog, material, NOW } from './fixtures.ts'

const TEXT = readFileSync(new URL('../../../docs/rules-example.json', import.meta.url), 'utf8')
const ENTRY_TIME = NOW - (NOW % 3600) - 3600

let log: MemoryLog
let rules: RuleRelease
let opened: OpenedTrustMaterial
let proof: RuleProof

async function withRules(r: RuleRelease, checkpoint?: string): Promise<OpenedTrustMaterial> {
  const issuer = await createIssuer()
  const { value } = await material(log, [issuerEntry(issuer)], checkpoint ? { checkpoint } : {})
  return openTrustMaterial(
    await signTrustMaterial({ ...value, rules: r }, log.privateKey),
    log.vkey,
  )
}

/** The log's proof source, from memory (as core/log-client would serve it). */
const source = (latest?: string) => ({
  checkpoint: async () => latest ?? (await log.checkpoint()),
  inclusionProof: (index: bigint, size: bigint) =>
    proveInclusion(index, size, async (nodes) =>
      nodes.map((n) => {
        const span = 2 ** n.level
        const lo = Number(n.index) * span
        return rootFromLeafHashes(log.leaves.slice(lo, lo + span))
      }),
    ),
})

beforeAll(async () => {
  log = await MemoryLog.create()
  log.fill(5)
  const draft = {
    release: 1,
    text: TEXT,
    sha256: toHex(await sha256(utf8(TEXT))),
    leafIndex: 5,
    entryTime: ENTRY_TIME,
  }
  log.append(await ruleReleaseLeafHash(draft))
  log.fill(4)
  rules = draft
  opened = await withRules(rules)
  proof = await fetchRuleProof(opened, source())
})

const refused = { code: 'VERIFY_RULES_PROOF' }

describe('the rule release in the ledger', () => {
  it('proves release 1 at index 5 against the material’s checkpoint', async () => {
    expect(proof).toMatchObject({ release: 1, leafIndex: 5 })
    expect(proof.checkpoint).toBe(opened.checkpoint)
    expect(await checkRuleProof(opened, proof, NOW)).toEqual({
      release: 1,
      leafIndex: 5,
      size: 10n,
    })
    // Kept as JSON on the device and checked again offline.
    const kept = parseRuleProof(JSON.parse(JSON.stringify(proof)))
    expect(kept).toEqual(proof)
    expect(await checkRuleProof(opened, kept as RuleProof, NOW)).toMatchObject({ leafIndex: 5 })
  })

  it('uses the latest checkpoint when the material’s predates the entry', async () => {
    const early = await withRules(rules, await log.checkpoint(3))
    const late = await fetchRuleProof(early, source())
    expect(late.checkpoint).not.toBe(early.checkpoint)
    expect((await checkRuleProof(early, late, NOW)).size).toBe(10n)
    await expect(fetchRuleProof(early, source(await log.checkpoint(4)))).rejects.toMatchObject({
      code: 'VERIFY_RULES_NOT_LOGGED',
    })
  })

  it('refuses a proof with one corrupted byte', async () => {
    const first = proof.proof[0] as string
    const flipped = (Number.parseInt(first.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0')
    const bad = { ...proof, proof: [flipped + first.slice(2), ...proof.proof.slice(1)] }
    await expect(checkRuleProof(opened, bad, NOW)).rejects.toMatchObject(refused)
  })

  it('refuses another text, another index, another release, an unsigned checkpoint', async () => {
    const otherText = await withRules({ ...rules, text: `${TEXT} ` })
    await expect(checkRuleProof(otherText, proof, NOW)).rejects.toMatchObject(refused)
    const otherTime = await withRules({ ...rules, entryTime: ENTRY_TIME - 3600 })
    await expect(checkRuleProof(otherTime, proof, NOW)).rejects.toMatchObject(refused)
    await expect(checkRuleProof(opened, { ...proof, leafIndex: 4 }, NOW)).rejects.toMatchObject(
      refused,
    )
    await expect(checkRuleProof(opened, { ...proof, release: 2 }, NOW)).rejects.toMatchObject(
      refused,
    )
    const unsigned = proof.checkpoint.split('\n\n')[0] as string
    await expect(
      checkRuleProof(opened, { ...proof, checkpoint: `${unsigned}\n\n` }, NOW),
    ).rejects.toMatchObject(refused)
  })

  it('a release not yet logged has nothing to prove', async () => {
    const waiting = await withRules({ ...rules, leafIndex: null })
    await expect(fetchRuleProof(waiting, source())).rejects.toMatchObject({
      code: 'VERIFY_RULES_NOT_LOGGED',
    })
    await expect(checkRuleProof(waiting, proof, NOW)).rejects.toMatchObject({
      code: 'VERIFY_RULES_NOT_LOGGED',
    })
  })
})
