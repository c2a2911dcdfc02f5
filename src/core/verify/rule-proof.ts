/**
 * @module core/verify/rule-proof
 * Proof of which entry rules a venue applied. Each rule-set release is a ledger entry (kind
 * `verifier-release`, key id `rules:<release>`, artefact SHA-256 of the exact text, time the
 * hour of publication); the signed trust material names its index. While online the page fetches
 * an RFC 9162 §2.1.3 inclusion proof of that leaf against a signed checkpoint (fetchRuleProof)
 * and keeps it; checkRuleProof verifies it, online or off: the checkpoint under the material's
 * witness policy (c2sp.org/tlog-policy), then the leaf rebuilt from the text itself, so the proof
 * can only pass for the very bytes the log committed to. Nothing fetched is trusted.
 */
import { fromHex, sha256, toHex, utf8 } from '../codec/index.ts'
import { encodeEntry } from '../leaf/index.ts'
import { hashLeaf, verifyInclusion } from '../merkle/index.ts'
import { parseCheckpoint, parseNote, verifyCheckpointWithPolicy } from '../note/index.ts'
import { CLOCK_SKEW_SECONDS } from '../shc/index.ts'
import { VerifyError } from './errors.ts'
import type { LogShard, OpenedTrustMaterial, RuleRelease } from './trust-material.ts'

/** A rule release's inclusion proof, as kept on the device (JSON-safe). */
export interface RuleProof {
  readonly release: number
  readonly leafIndex: number
  /** The signed checkpoint note the proof leads to (cosignatures included). */
  readonly checkpoint: string
  /** The proof's hashes, hex, leaf to root (RFC 9162 §2.1.3). */
  readonly proof: readonly string[]
}

/** What a verified proof establishes: release N is leaf I of the tree of `size` leaves. */
export interface ProvenRules {
  readonly release: number
  readonly leafIndex: number
  readonly size: bigint
}

/** The log's leaf for a release, rebuilt from its text (never from the hash it claims). */
export async function ruleReleaseLeafHash(rules: RuleRelease): Promise<Uint8Array> {
  return hashLeaf(
    encodeEntry({
      kind: 'verifier-release',
      artefactHash: await sha256(utf8(rules.text)),
      keyId: `rules:${rules.release}`,
      time: rules.entryTime,
    }),
  )
}

function notLogged(message: string): VerifyError {
  return new VerifyError('VERIFY_RULES_NOT_LOGGED', message, { field: 'rules.leafIndex' })
}

function refused(message: string, cause?: unknown): VerifyError {
  return new VerifyError('VERIFY_RULES_PROOF', message, { field: 'rules', cause })
}

/** The source of a proof: core/log-client's `checkpoint`, `inclusionProof` and `shard`. */
export interface RuleProofSource {
  checkpoint(): Promise<string>
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>
  /** The same API for log shard `id` (docs/LEDGER.md "Shards"). */
  shard?(id: number): RuleProofSource
}

/**
 * The frozen shards, newest first, whose tree holds the index: a release logged before a rotation
 * is proved against its shard's final checkpoint (docs/LEDGER.md "Shards").
 */
function frozenShards(material: OpenedTrustMaterial, index: bigint): LogShard[] {
  return (material.shards ?? [])
    .filter((s) => s.state === 'frozen' && s.checkpoint !== undefined)
    .filter((s) => index < BigInt(s.finalSize ?? '0'))
    .sort((a, b) => b.id - a.id)
}

/**
 * Fetches the inclusion proof of the material's rule release: against the material's own
 * checkpoint when it covers the entry, else against the log's latest. Unchecked: pass the
 * result to checkRuleProof. Throws VERIFY_RULES_NOT_LOGGED while the entry has no index yet.
 */
export async function fetchRuleProof(
  material: OpenedTrustMaterial,
  source: RuleProofSource,
): Promise<RuleProof> {
  const rules = material.rules
  if (rules === undefined) throw notLogged('the trust material carries no rules')
  if (rules.leafIndex === null) throw notLogged('the release waits to be logged')
  const index = BigInt(rules.leafIndex)
  let checkpoint = material.checkpoint
  let size = parseCheckpoint(parseNote(checkpoint).text).size
  if (index >= size) {
    checkpoint = await source.checkpoint()
    size = parseCheckpoint(parseNote(checkpoint).text).size
    if (index >= size) throw notLogged('no checkpoint covers the release yet')
  }
  const proof = await source.inclusionProof(index, size)
  const shards = frozenShards(material, index)
  if (shards.length > 0 && source.shard !== undefined) {
    // After a rotation the index may be a frozen shard's: keep the proof that holds.
    const leaf = await ruleReleaseLeafHash(rules)
    const holds = (note: string, p: Uint8Array[]) => {
      const c = parseCheckpoint(parseNote(note).text)
      try {
        verifyInclusion(leaf, index, c.size, p, c.root)
        return true
      } catch {
        return false
      }
    }
    if (!holds(checkpoint, proof)) {
      for (const shard of shards) {
        const final = shard.checkpoint as string
        const finalSize = BigInt(shard.finalSize ?? '0')
        const p = await source.shard(shard.id).inclusionProof(index, finalSize)
        if (holds(final, p))
          return {
            release: rules.release,
            leafIndex: rules.leafIndex,
            checkpoint: final,
            proof: p.map(toHex),
          }
      }
    }
  }
  return { release: rules.release, leafIndex: rules.leafIndex, checkpoint, proof: proof.map(toHex) }
}

/**
 * Verifies a kept proof against the material (now: POSIX seconds, for cosignature times).
 * Throws VERIFY_RULES_PROOF when it is for another release or index, its checkpoint does not
 * verify under the witness policy, or the leaf rebuilt from the text is not at that index.
 */
export async function checkRuleProof(
  material: OpenedTrustMaterial,
  kept: RuleProof,
  now: number,
): Promise<ProvenRules> {
  const rules = material.rules
  if (rules === undefined || rules.leafIndex === null) {
    throw notLogged('the trust material names no logged rule release')
  }
  if (kept.release !== rules.release || kept.leafIndex !== rules.leafIndex) {
    throw refused('the proof is for another release or ledger index')
  }
  // The active shard's checkpoint, or a frozen shard's (its own key, never past its final size).
  let origin = material.log.origin
  let policy = material.policyValue
  let finalSize: bigint | undefined
  try {
    const claimed = parseCheckpoint(parseNote(kept.checkpoint).text).origin
    const shard = (material.shards ?? []).find((s) => s.state === 'frozen' && s.origin === claimed)
    if (shard !== undefined) {
      origin = shard.origin
      policy = { ...material.policyValue, logs: [{ vkey: shard.vkey }] }
      finalSize = BigInt(shard.finalSize ?? '0')
    }
  } catch (cause) {
    throw refused('the checkpoint of the proof does not parse', cause)
  }
  let verified: Awaited<ReturnType<typeof verifyCheckpointWithPolicy>>
  try {
    verified = await verifyCheckpointWithPolicy(kept.checkpoint, policy, {
      origin,
      notAfter: BigInt(Math.floor(now) + CLOCK_SKEW_SECONDS),
    })
  } catch (cause) {
    throw refused('the checkpoint of the proof does not verify', cause)
  }
  const { size, root } = verified.checkpoint
  if (finalSize !== undefined && size > finalSize)
    throw refused(`the log shard ${origin} is frozen at size ${finalSize}`)
  try {
    const proof = kept.proof.map((h) => fromHex(h))
    verifyInclusion(await ruleReleaseLeafHash(rules), BigInt(rules.leafIndex), size, proof, root)
  } catch (cause) {
    throw refused('the rule release is not at its ledger index', cause)
  }
  return { release: rules.release, leafIndex: rules.leafIndex, size }
}

/** A kept proof read back from storage (shape only; checkRuleProof does the rest). */
export function parseRuleProof(value: unknown): RuleProof | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (
    typeof v.release !== 'number' ||
    typeof v.leafIndex !== 'number' ||
    typeof v.checkpoint !== 'string' ||
    !Array.isArray(v.proof) ||
    !v.proof.every((h) => typeof h === 'string')
  ) {
    return undefined
  }
  return {
    release: v.release,
    leafIndex: v.leafIndex,
    checkpoint: v.checkpoint,
    proof: v.proof as string[],
  }
}
