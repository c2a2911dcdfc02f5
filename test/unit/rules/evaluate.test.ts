/**
 * The entry-rule evaluator, as tables of cases at the boundaries a door meets: 13 vs 14 days
 * after the last dose, 47 h 59 vs 48 h 01 since the sample, partial series, mixed products, and
 * "vaccinated or tested" met by either.
 */
import { describe, expect, it } from 'vitest'
import { evaluate, parseRuleSetText, type RuleSet } from '../../../src/core/rules/index.ts'
import { card, daysAgo, dose, hoursAgo, NOW, ruleSet, test } from './fixtures.ts'

type Case = [string, ReturnType<typeof card>, boolean, { code: string; params: object }[]]

const outcome = (set: RuleSet, summary: ReturnType<typeof card>) => {
  const result = evaluate(set, summary, NOW)
  return {
    meets: result.meets,
    reasons: result.reasons.map(({ code, params }) => ({ code, params })),
  }
}

describe('vaccinated (14 days after a complete primary series, mixed products count towards the larger)', () => {
  const cases: Case[] = [
    [
      '2 of 2 (208), 14 days ago',
      card(dose('208', daysAgo(40)), dose('208', daysAgo(14))),
      true,
      [],
    ],
    [
      '2 of 2 (208), 13 days ago',
      card(dose('208', daysAgo(40)), dose('208', daysAgo(13))),
      false,
      [{ code: 'RULE_DOSE_TOO_RECENT', params: { days: 13, needed: 14 } }],
    ],
    [
      '9 days ago',
      card(dose('207', daysAgo(37)), dose('207', daysAgo(9))),
      false,
      [{ code: 'RULE_DOSE_TOO_RECENT', params: { days: 9, needed: 14 } }],
    ],
    [
      'partial series: 1 of 2',
      card(dose('208', daysAgo(60))),
      false,
      [{ code: 'RULE_SERIES_INCOMPLETE', params: { have: 1, need: 2 } }],
    ],
    ['1-dose product (212, Janssen), 14 days ago', card(dose('212', daysAgo(14))), true, []],
    [
      'mixed: 212 then 208 needs the larger series (2), met by the second dose',
      card(dose('212', daysAgo(90)), dose('208', daysAgo(20))),
      true,
      [],
    ],
    [
      'mixed: 208 then 212 counts 2 of 2, last dose 5 days ago',
      card(dose('208', daysAgo(90)), dose('212', daysAgo(5))),
      false,
      [{ code: 'RULE_DOSE_TOO_RECENT', params: { days: 5, needed: 14 } }],
    ],
    [
      'a booster 3 days ago does not restart the wait after a completed series',
      card(dose('208', daysAgo(300)), dose('208', daysAgo(270)), dose('300', daysAgo(3))),
      true,
      [],
    ],
    [
      'only doses with no stated series (bivalent, unspecified)',
      card(dose('300', daysAgo(40)), dose('213', daysAgo(20))),
      false,
      [{ code: 'RULE_SERIES_UNKNOWN', params: { have: 2 } }],
    ],
    [
      'doses of another family',
      card(dose('03', daysAgo(400)), dose('03', daysAgo(300))),
      false,
      [{ code: 'RULE_NO_MATCHING_EVIDENCE', params: { family: 'covid-19' } }],
    ],
    [
      'doses listed out of date order are numbered and counted by date',
      card(dose('208', daysAgo(13)), dose('208', daysAgo(40))),
      false,
      [{ code: 'RULE_DOSE_TOO_RECENT', params: { days: 13, needed: 14 } }],
    ],
    [
      'a dose dated only to its month counts from the month end',
      card(dose('212', '2024-05')),
      false,
      [{ code: 'RULE_DOSE_TOO_RECENT', params: { days: 1, needed: 14 } }],
    ],
  ]
  it.each(cases)('%s', (_name, summary, meets, reasons) => {
    expect(outcome(ruleSet('vaccinated'), summary)).toEqual({ meets, reasons })
  })

  it('same-product: mixed doses do not add up; one product must complete its own series', () => {
    const set = withRule({ mixedProducts: 'same-product' })
    const mixed = card(dose('207', daysAgo(90)), dose('208', daysAgo(60)))
    expect(outcome(set, mixed)).toEqual({
      meets: false,
      reasons: [{ code: 'RULE_SERIES_INCOMPLETE', params: { have: 1, need: 2 } }],
    })
    expect(outcome(ruleSet('vaccinated'), mixed).meets).toBe(true)
    const janssen = card(dose('208', daysAgo(90)), dose('212', daysAgo(60)))
    expect(outcome(set, janssen).meets).toBe(true)
  })

  it('allowedCodes: doses of other products are not evidence', () => {
    const set = withRule({ allowedCodes: ['207'] })
    expect(outcome(set, card(dose('208', daysAgo(90)), dose('208', daysAgo(60))))).toEqual({
      meets: false,
      reasons: [{ code: 'RULE_NO_MATCHING_EVIDENCE', params: { family: 'covid-19' } }],
    })
  })
})

describe('tested within 48 h (a negative NAAT or antigen test)', () => {
  const PCR = '94500-6'
  const ANTIGEN = '94558-4'
  const cases: Case[] = [
    ['negative PCR, 47 h 59 ago', card(test(PCR, hoursAgo(47, 59), 'negative')), true, []],
    ['negative antigen, exactly 48 h ago', card(test(ANTIGEN, hoursAgo(48), 'negative')), true, []],
    [
      'negative PCR, 48 h 01 ago',
      card(test(PCR, hoursAgo(48, 1), 'negative')),
      false,
      [{ code: 'RULE_TEST_TOO_OLD', params: { hours: 49, max: 48 } }],
    ],
    [
      'positive, 2 h ago',
      card(test(PCR, hoursAgo(2), 'positive')),
      false,
      [{ code: 'RULE_TEST_POSITIVE', params: { date: '2024-06-01' } }],
    ],
    [
      'a later positive outweighs an earlier negative',
      card(test(PCR, hoursAgo(30), 'negative'), test(ANTIGEN, hoursAgo(3), 'positive')),
      false,
      [{ code: 'RULE_TEST_POSITIVE', params: { date: '2024-06-01' } }],
    ],
    [
      'inconclusive is not evidence',
      card(test(PCR, hoursAgo(3), 'inconclusive')),
      false,
      [{ code: 'RULE_NO_MATCHING_EVIDENCE', params: { target: 'sars-cov-2' } }],
    ],
    [
      'an influenza test does not count',
      card(test('92142-9', hoursAgo(3), 'negative')),
      false,
      [{ code: 'RULE_NO_MATCHING_EVIDENCE', params: { target: 'sars-cov-2' } }],
    ],
    [
      'a date without a time counts from its first instant (36 h at noon the next day)',
      card(test(PCR, '2024-05-31', 'negative')),
      true,
      [],
    ],
    [
      'a date without a time: 60 h old',
      card(test(PCR, '2024-05-30', 'negative')),
      false,
      [{ code: 'RULE_TEST_TOO_OLD', params: { hours: 60, max: 48 } }],
    ],
    [
      'a zone offset is honoured (47 h 30 ago, written in UTC-05:00)',
      card(test(PCR, '2024-05-30T07:30:00-05:00', 'negative')),
      true,
      [],
    ],
    [
      'a sample "collected" in the future is not evidence',
      card(test(PCR, hoursAgo(-2), 'negative')),
      false,
      [{ code: 'RULE_NO_MATCHING_EVIDENCE', params: { target: 'sars-cov-2' } }],
    ],
  ]
  it.each(cases)('%s', (_name, summary, meets, reasons) => {
    expect(outcome(ruleSet('tested-48h'), summary)).toEqual({ meets, reasons })
  })

  it('methods: a PCR-only rule refuses an antigen test', () => {
    const set = parseRuleSetText(
      JSON.stringify({
        format: 'vigil-rules/v1',
        ruleSets: [
          {
            name: 'pcr-72h',
            title: { en: 'PCR 72 h' },
            anyOf: [
              { kind: 'test', target: 'sars-cov-2', maxSampleAgeHours: 72, methods: ['naat'] },
            ],
          },
        ],
      }),
    ).ruleSets[0] as RuleSet
    expect(outcome(set, card(test(ANTIGEN, hoursAgo(5), 'negative'))).meets).toBe(false)
    expect(outcome(set, card(test(PCR, hoursAgo(71), 'negative'))).meets).toBe(true)
  })
})

describe('vaccinated or tested', () => {
  it.each<Case>([
    ['vaccinated only', card(dose('212', daysAgo(30))), true, []],
    [
      'tested only',
      card(dose('208', daysAgo(3)), test('94500-6', hoursAgo(10), 'negative')),
      true,
      [],
    ],
    [
      'neither: every rule says why',
      card(dose('208', daysAgo(20)), test('94500-6', hoursAgo(50), 'negative')),
      false,
      [
        { code: 'RULE_SERIES_INCOMPLETE', params: { have: 1, need: 2 } },
        { code: 'RULE_TEST_TOO_OLD', params: { hours: 50, max: 48 } },
      ],
    ],
  ])('%s', (_name, summary, meets, reasons) => {
    expect(outcome(ruleSet('vaccinated-or-tested'), summary)).toEqual({ meets, reasons })
  })

  it('names the rule that was met', () => {
    const summary = card(test('94500-6', hoursAgo(10), 'negative'))
    expect(evaluate(ruleSet('vaccinated-or-tested'), summary, NOW)).toEqual({
      ruleSet: 'vaccinated-or-tested',
      meets: true,
      metBy: 1,
      reasons: [],
    })
  })
})

function withRule(extra: object): RuleSet {
  const text = JSON.stringify({
    format: 'vigil-rules/v1',
    ruleSets: [
      {
        name: 'custom',
        title: { en: 'Custom' },
        anyOf: [
          {
            kind: 'vaccination',
            family: 'covid-19',
            minDaysSinceLastDose: 14,
            mixedProducts: 'larger',
            ...extra,
          },
        ],
      },
    ],
  })
  return parseRuleSetText(text).ruleSets[0] as RuleSet
}
