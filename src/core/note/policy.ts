/**
 * @module core/note/policy
 * Witness policies as a value (c2sp.org/tlog-policy): the logs trusted for checkpoints, the
 * known witnesses, optional k-of-n groups (which may nest), and the quorum. `compilePolicy`
 * checks the value the way the spec checks a policy file and yields the quorum test.
 */
import { toHex } from '../codec/index.ts'
import { NoteError } from './errors.ts'
import { parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519, type VerifierKey } from './keys.ts'

/** The spec recommends supporting at least 32 of each; we refuse more than 64. */
export const MAX_POLICY_ENTRIES = 64

export type Threshold = number | 'any' | 'all'

export interface PolicyLog {
  readonly vkey: string
  readonly url?: string
}

export interface PolicyWitness {
  readonly name: string
  readonly vkey: string
  readonly url?: string
}

export interface PolicyGroup {
  readonly name: string
  readonly threshold: Threshold
  readonly members: readonly string[]
}

export interface Policy {
  readonly logs: readonly PolicyLog[]
  readonly witnesses: readonly PolicyWitness[]
  readonly groups?: readonly PolicyGroup[]
  /** A witness or group name, `'none'`, or k meaning "k of all listed witnesses" (0 = none). */
  readonly quorum: string | number
}

export interface CompiledPolicy {
  readonly logs: readonly VerifierKey[]
  /** Policy witness name → cosigner key. */
  readonly witnesses: ReadonlyMap<string, VerifierKey>
  /** True when the witnesses named in `witnessed` (by policy name) satisfy the quorum. */
  isSatisfied(witnessed: ReadonlySet<string>): boolean
}

type Rule = (witnessed: ReadonlySet<string>) => boolean

function fail(message: string, field?: string, cause?: unknown): NoteError {
  return new NoteError('POLICY_MALFORMED', message, { field, cause })
}

/** A policy file token: non-empty, no space, tab or other control character. */
export function isPolicyToken(token: string): boolean {
  return token !== '' && !/[\p{Cc} ]/u.test(token)
}

/** Witness and group names are tokens; `none` is predefined and cannot be redefined. */
export function isValidPolicyName(name: string): boolean {
  return name !== 'none' && isPolicyToken(name)
}

function assertUrl(url: string | undefined, field: string): void {
  if (url !== undefined && !isPolicyToken(url)) throw fail('URL must be a single token', field)
}

function readKey(vkey: string, type: number, field: string, seen: Set<string>): VerifierKey {
  let key: VerifierKey
  try {
    key = parseVerifierKey(vkey)
  } catch (cause) {
    throw fail('invalid vkey', field, cause)
  }
  if (key.type !== type) throw fail(`vkey type must be 0x0${type}`, field)
  // Two vkeys are duplicates when they wrap the same public key, whatever their name and ID.
  const hex = toHex(key.publicKey)
  if (seen.has(hex)) throw fail('duplicate public key', field)
  seen.add(hex)
  return key
}

/** Resolves `any`/`all`/k against n members; the spec requires 1 ≤ k ≤ n. */
export function resolveThreshold(threshold: Threshold, n: number): number {
  const k = threshold === 'any' ? 1 : threshold === 'all' ? n : threshold
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw fail('threshold must be 1 ≤ k ≤ n')
  return k
}

function compileGroups(policy: Policy, rules: Map<string, Rule>): void {
  for (const group of policy.groups ?? []) {
    if (!isValidPolicyName(group.name) || rules.has(group.name)) {
      throw fail('invalid or duplicate group name', group.name)
    }
    if (new Set(group.members).size !== group.members.length) {
      throw fail('a member is listed twice', group.name)
    }
    const members = group.members.map((m) => {
      const rule = rules.get(m)
      if (rule === undefined) throw fail(`member ${m} is not defined before the group`, group.name)
      return rule
    })
    const k = resolveThreshold(group.threshold, members.length)
    rules.set(group.name, (w) => members.filter((rule) => rule(w)).length >= k)
  }
}

function compileQuorum(policy: Policy, rules: Map<string, Rule>, names: string[]): Rule {
  const { quorum } = policy
  if (quorum === 'none' || quorum === 0) return () => true
  if (typeof quorum === 'number') {
    const k = resolveThreshold(quorum, names.length)
    return (w) => names.filter((name) => w.has(name)).length >= k
  }
  const rule = rules.get(quorum)
  if (rule === undefined) throw fail('quorum names no defined witness or group', 'quorum')
  return rule
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const groups = policy.groups ?? []
  const sizes = [policy.logs.length, policy.witnesses.length, groups.length]
  if (sizes.some((n) => n > MAX_POLICY_ENTRIES)) throw fail('too many policy entries')
  const logKeys = new Set<string>()
  const logs = policy.logs.map((log) => {
    assertUrl(log.url, 'log')
    return readKey(log.vkey, SIG_ED25519, 'log', logKeys)
  })
  const witnessKeys = new Set<string>()
  const witnesses = new Map<string, VerifierKey>()
  const rules = new Map<string, Rule>()
  for (const w of policy.witnesses) {
    if (!isValidPolicyName(w.name) || rules.has(w.name)) {
      throw fail('invalid or duplicate witness name', w.name)
    }
    assertUrl(w.url, w.name)
    witnesses.set(w.name, readKey(w.vkey, SIG_COSIGNATURE_V1, w.name, witnessKeys))
    rules.set(w.name, (set) => set.has(w.name))
  }
  compileGroups(policy, rules)
  const isSatisfied = compileQuorum(policy, rules, [...witnesses.keys()])
  return { logs, witnesses, isSatisfied }
}
