import { describe, expect, it } from 'vitest'
import {
  compilePolicy,
  formatPolicy,
  generateSignerKey,
  type Policy,
  parsePolicy,
  SIG_COSIGNATURE_V1,
} from '../../../src/core/note/index.ts'
import { expectCode } from './fixtures.ts'

async function setup(): Promise<{ policy: Policy }> {
  const log = await generateSignerKey('vigil.example/credlog', (n) =>
    crypto.getRandomValues(new Uint8Array(n)),
  )
  const keys = await Promise.all(
    ['w1.example', 'w2.example', 'w3.example'].map((n) =>
      generateSignerKey(n, (n) => crypto.getRandomValues(new Uint8Array(n)), SIG_COSIGNATURE_V1),
    ),
  )
  const witnesses = keys.map((k, i) => ({ name: `W${i + 1}`, vkey: k.vkey }))
  return { policy: { logs: [{ vkey: log.vkey }], witnesses, quorum: 2 } }
}

describe('witness policy: c2sp.org/tlog-policy text', () => {
  it('parses, formats and re-parses the spec example shape with nested groups', async () => {
    const { policy } = await setup()
    const ws = policy.witnesses
    const text = [
      '# Vigil witness policy',
      `log ${policy.logs[0]?.vkey} https://log.example/`,
      '',
      `witness W1 ${ws[0]?.vkey}`,
      `\twitness   W2 ${ws[1]?.vkey}  `,
      `witness W3 ${ws[2]?.vkey} https://w3.example/`,
      'group X 2 W1 W2',
      'group XY all X W3',
      'quorum XY',
    ].join('\n')
    const parsed = parsePolicy(text)
    expect(parsed.groups?.map((g) => g.threshold)).toEqual([2, 'all'])
    const formatted = formatPolicy(parsed)
    expect(parsePolicy(formatted)).toEqual(parsed)
    expect(formatPolicy(parsePolicy(formatted))).toBe(formatted)
  })

  it('formats a numeric quorum as a group and quorum 0 as none', async () => {
    const { policy } = await setup()
    const text = formatPolicy(policy)
    expect(text).toContain('group quorum 2 W1 W2 W3\nquorum quorum\n')
    expect(formatPolicy({ ...policy, quorum: 0 })).toContain('quorum none\n')
    expect(compilePolicy(parsePolicy(text)).isSatisfied(new Set(['W1', 'W3']))).toBe(true)
  })

  it('rejects malformed policies with POLICY_MALFORMED', async () => {
    const { policy } = await setup()
    const [w1, w2] = policy.witnesses.map((w) => w.vkey)
    const log = policy.logs[0]?.vkey
    const bad = [
      `witness W1 ${w1}\nquorum W2`,
      `witness W1 ${w1}\nwitness W1 ${w2}\nquorum W1`,
      `witness W1 ${w1}\nwitness W2 ${w1}\nquorum W1`,
      `witness W1 ${w1}\ngroup G 3 W1\nquorum G`,
      `witness W1 ${w1}\ngroup G 0 W1\nquorum G`,
      `witness W1 ${w1}\ngroup G 01 W1\nquorum G`,
      `witness W1 ${w1}\ngroup G any W1 W1\nquorum G`,
      `group G any W1\nwitness W1 ${w1}\nquorum G`,
      `witness W1 ${w1}\ngroup G any none\nquorum G`,
      `witness none ${w1}\nquorum none`,
      `witness W1 ${w1}`,
      'quorum none\nquorum none',
      `witness W1 ${log}\nquorum W1`,
      `log ${w1}\nquorum none`,
      `log ${log}\nlog ${log}\nquorum none`,
      `witness W1 ${w1}\r\nquorum W1`,
      'frobnicate\nquorum none',
    ]
    for (const text of bad) await expectCode(() => parsePolicy(text), 'POLICY_MALFORMED')
    await expectCode(() => compilePolicy({ ...policy, quorum: 4 }), 'POLICY_MALFORMED')
  })
})
