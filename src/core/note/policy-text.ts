/**
 * @module core/note/policy-text
 * The c2sp.org/tlog-policy text format: `log <vkey> [<url>]`, `witness <name> <vkey> [<url>]`,
 * `group <name> <k|any|all> <member>…`, `quorum <name>|none`; '#' comments and blank lines
 * ignored; tokens separated by spaces and tabs only. Names must be defined on earlier lines.
 */
import { NoteError } from './errors.ts'
import {
  compilePolicy,
  isPolicyToken,
  isValidPolicyName,
  type Policy,
  type PolicyGroup,
  type PolicyLog,
  type PolicyWitness,
  type Threshold,
} from './policy.ts'

/** Bounds the work on hostile input: far above 64 logs + 64 witnesses + 64 groups. */
const MAX_POLICY_LENGTH = 256 * 1024
const THRESHOLD = /^[1-9][0-9]{0,3}$/
/** Fixed separator pattern: runs of ASCII space and tab (never built from input). */
const SEPARATOR = /[ \t]+/

function fail(message: string, line?: number): NoteError {
  const field = line === undefined ? undefined : `line ${line}`
  return new NoteError('POLICY_MALFORMED', message, { field })
}

/** Only tab, newline, 0x20-0x7E and non-ASCII are allowed (tlog-policy §Character set). */
function assertCharset(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x7f) {
      throw fail('control character in policy')
    }
  }
}

function parseThreshold(token: string, line: number): Threshold {
  if (token === 'any' || token === 'all') return token
  if (!THRESHOLD.test(token)) throw fail('threshold must be any, all or a decimal k', line)
  return Number(token)
}

export function parsePolicy(text: string): Policy {
  if (text.length > MAX_POLICY_LENGTH) throw fail('policy too large')
  assertCharset(text)
  const logs: PolicyLog[] = []
  const witnesses: PolicyWitness[] = []
  const groups: PolicyGroup[] = []
  const defined = new Set<string>()
  let quorum: string | undefined
  const define = (name: string, line: number) => {
    if (!isValidPolicyName(name) || defined.has(name)) throw fail('bad or duplicate name', line)
    defined.add(name)
  }
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    const tokens = raw.split(SEPARATOR).filter((t) => t !== '')
    const [keyword, ...args] = tokens
    if (keyword === undefined || keyword.startsWith('#')) return
    if (keyword === 'log' && (args.length === 1 || args.length === 2)) {
      const [vkey = '', url] = args
      logs.push(url === undefined ? { vkey } : { vkey, url })
    } else if (keyword === 'witness' && (args.length === 2 || args.length === 3)) {
      const [name = '', vkey = '', url] = args
      define(name, line)
      witnesses.push(url === undefined ? { name, vkey } : { name, vkey, url })
    } else if (keyword === 'group' && args.length >= 3) {
      const [name = '', threshold = '', ...members] = args
      if (members.some((m) => !defined.has(m))) throw fail('member not defined earlier', line)
      define(name, line)
      groups.push({ name, threshold: parseThreshold(threshold, line), members })
    } else if (keyword === 'quorum' && args.length === 1) {
      const [name = ''] = args
      if (quorum !== undefined) throw fail('more than one quorum line', line)
      if (name !== 'none' && !defined.has(name)) throw fail('quorum not defined earlier', line)
      quorum = name
    } else {
      throw fail(`unrecognised line`, line)
    }
  })
  if (quorum === undefined) throw fail('policy has no quorum line')
  const policy: Policy = { logs, witnesses, groups, quorum }
  compilePolicy(policy) // keys, thresholds, duplicates
  return policy
}

/** A group name for a numeric quorum that does not clash with any defined name. */
function quorumGroupName(policy: Policy): string {
  const taken = new Set([
    ...policy.witnesses.map((w) => w.name),
    ...(policy.groups ?? []).map((g) => g.name),
  ])
  let name = 'quorum'
  for (let i = 2; taken.has(name); i++) name = `quorum-${i}`
  return name
}

function withUrl(line: string, url: string | undefined): string {
  return url === undefined ? line : `${line} ${url}`
}

export function formatPolicy(policy: Policy): string {
  compilePolicy(policy)
  const lines = [
    ...policy.logs.map((l) => withUrl(`log ${l.vkey}`, l.url)),
    ...policy.witnesses.map((w) => withUrl(`witness ${w.name} ${w.vkey}`, w.url)),
    ...(policy.groups ?? []).map((g) => `group ${g.name} ${g.threshold} ${g.members.join(' ')}`),
  ]
  let quorum = policy.quorum
  if (typeof quorum === 'number') {
    if (quorum === 0) {
      quorum = 'none'
    } else {
      const name = quorumGroupName(policy)
      lines.push(`group ${name} ${quorum} ${policy.witnesses.map((w) => w.name).join(' ')}`)
      quorum = name
    }
  }
  if (!isPolicyToken(quorum)) throw fail('invalid quorum name')
  lines.push(`quorum ${quorum}`)
  return `${lines.join('\n')}\n`
}
