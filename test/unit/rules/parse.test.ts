/**
 * The rule-set format is read strictly: every field a venue relies on is checked, unknown fields
 * are refused (a misspelt limit must not silently vanish), and text that does not hash to its
 * ledger entry is refused with its own code.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.ts'
import {
  openRuleSetText,
  parseRuleSetText,
  RulesError,
  ruleSetHash,
} from '../../../src/core/rules/index.ts'
import { EXAMPLE_TEXT } from './fixtures.ts'

function codeOf(action: () => unknown): { code: string; field: string | undefined } {
  try {
    action()
  } catch (e) {
    if (e instanceof RulesError) return { code: e.code, field: e.field }
    throw e
  }
  throw new Error('expected a RulesError')
}

const example = () => JSON.parse(EXAMPLE_TEXT)
const edit = (change: (doc: ReturnType<typeof example>) => void) => {
  const doc = example()
  change(doc)
  return JSON.stringify(doc)
}

describe('parseRuleSetText', () => {
  it('reads the example document', () => {
    const doc = parseRuleSetText(EXAMPLE_TEXT)
    expect(doc.ruleSets.map((s) => s.name)).toEqual([
      'vaccinated',
      'tested-48h',
      'vaccinated-or-tested',
    ])
    expect(doc.ruleSets[0]?.anyOf[0]).toEqual({
      kind: 'vaccination',
      family: 'covid-19',
      minDaysSinceLastDose: 14,
      mixedProducts: 'larger',
    })
  })

  it.each([
    ['not JSON', '{', 'document'],
    [
      'wrong format',
      edit((d) => {
        d.format = 'vigil-rules/v2'
      }),
      'format',
    ],
    [
      'unknown top-level field',
      edit((d) => {
        d.extra = 1
      }),
      'document.extra',
    ],
    [
      'no rule sets',
      edit((d) => {
        d.ruleSets = []
      }),
      'ruleSets',
    ],
    [
      'bad name',
      edit((d) => {
        d.ruleSets[0].name = 'Vaccinated!'
      }),
      'ruleSets.0.name',
    ],
    [
      'duplicate name',
      edit((d) => {
        d.ruleSets[1].name = 'vaccinated'
      }),
      'ruleSets',
    ],
    [
      'no en title',
      edit((d) => {
        d.ruleSets[0].title = { es: 'x' }
      }),
      'ruleSets.0.title',
    ],
    [
      'empty anyOf',
      edit((d) => {
        d.ruleSets[0].anyOf = []
      }),
      'ruleSets.0.anyOf',
    ],
    [
      'unknown kind',
      edit((d) => {
        d.ruleSets[0].anyOf[0].kind = 'recovery'
      }),
      'ruleSets.0.anyOf.0.kind',
    ],
    [
      'misspelt limit',
      edit((d) => {
        d.ruleSets[0].anyOf[0].minDaysSinceLastdose = 1
      }),
      'ruleSets.0.anyOf.0.minDaysSinceLastdose',
    ],
    [
      'negative days',
      edit((d) => {
        d.ruleSets[0].anyOf[0].minDaysSinceLastDose = -1
      }),
      'ruleSets.0.anyOf.0.minDaysSinceLastDose',
    ],
    [
      'fractional hours',
      edit((d) => {
        d.ruleSets[1].anyOf[0].maxSampleAgeHours = 47.5
      }),
      'ruleSets.1.anyOf.0.maxSampleAgeHours',
    ],
    [
      'unknown family',
      edit((d) => {
        d.ruleSets[0].anyOf[0].family = 'covid'
      }),
      'ruleSets.0.anyOf.0.family',
    ],
    [
      'unknown method',
      edit((d) => {
        d.ruleSets[1].anyOf[0].methods = ['pcr']
      }),
      'ruleSets.1.anyOf.0.methods.0',
    ],
    [
      'no policy for mixed products',
      edit((d) => {
        delete d.ruleSets[0].anyOf[0].mixedProducts
      }),
      'ruleSets.0.anyOf.0.mixedProducts',
    ],
    [
      'empty allowed codes',
      edit((d) => {
        d.ruleSets[0].anyOf[0].allowedCodes = []
      }),
      'ruleSets.0.anyOf.0.allowedCodes',
    ],
  ])('refuses %s', (_name, text, field) => {
    expect(codeOf(() => parseRuleSetText(text))).toEqual({ code: 'RULES_FORMAT', field })
  })
})

describe('openRuleSetText', () => {
  const hash = toHex(ruleSetHash(EXAMPLE_TEXT))

  it('accepts the text its ledger hash commits to', () => {
    expect(openRuleSetText(EXAMPLE_TEXT, hash).ruleSets).toHaveLength(3)
  })

  it('refuses text altered after publication, even by one byte of whitespace', () => {
    const loosened = EXAMPLE_TEXT.replace('"minDaysSinceLastDose": 14', '"minDaysSinceLastDose": 1')
    expect(codeOf(() => openRuleSetText(loosened, hash))).toEqual({
      code: 'RULES_HASH_MISMATCH',
      field: 'text',
    })
    expect(codeOf(() => openRuleSetText(`${EXAMPLE_TEXT} `, hash)).code).toBe('RULES_HASH_MISMATCH')
  })
})
