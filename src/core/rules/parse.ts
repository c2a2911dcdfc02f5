/**
 * @module core/rules/parse
 * Strict reading of a `vigil-rules/v1` document: unknown fields, kinds, families or methods are
 * refused rather than ignored, so a venue never applies a rule more lenient than the one its
 * authority wrote. The text is what the ledger commits to (SHA-256 of its UTF-8 bytes).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes, fromHex, isJsonObject, utf8 } from '../codec/index.ts'
import type { VaccineFamily } from '../fhir/index.ts'
import { RulesError } from './errors.ts'
import {
  RULES_FORMAT,
  type Rule,
  type RuleSet,
  type RuleSetDocument,
  type TestMethod,
  type TestRule,
  type VaccinationRule,
} from './types.ts'

export const MAX_RULES_TEXT = 64 * 1024
const MAX_RULE_SETS = 50
const MAX_RULES = 10
const MAX_CODES = 200
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
const CODE = /^[0-9A-Za-z.-]{1,20}$/
const FAMILIES: readonly VaccineFamily[] = [
  'covid-19',
  'influenza',
  'mmr',
  'measles',
  'hpv',
  'hepatitis-b',
  'polio',
  'mpox',
]
const TARGETS: readonly TestRule['target'][] = ['sars-cov-2', 'influenza-a', 'influenza-b']
const METHODS: readonly TestMethod[] = ['antigen', 'naat']

type Json = Record<string, unknown>

function bad(message: string, field: string): RulesError {
  return new RulesError('RULES_FORMAT', message, { field })
}

function only(value: Json, keys: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw bad(`unknown field ${key}`, `${field}.${key}`)
  }
}

function integer(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`must be a whole number from ${min} to ${max}`, field)
  }
  return value
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw bad(`must be one of ${allowed.join(', ')}`, field)
  }
  return value as T
}

function codes(value: unknown, field: string): { allowedCodes?: readonly string[] } {
  if (value === undefined) return {}
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CODES) {
    throw bad(`must be a list of 1-${MAX_CODES} codes`, field)
  }
  for (const [i, code] of value.entries()) {
    if (typeof code !== 'string' || !CODE.test(code)) throw bad('not a code', `${field}.${i}`)
  }
  return { allowedCodes: [...new Set(value as string[])] }
}

function vaccination(r: Json, field: string): VaccinationRule {
  only(r, ['kind', 'family', 'minDaysSinceLastDose', 'allowedCodes', 'mixedProducts'], field)
  return {
    kind: 'vaccination',
    family: oneOf(r.family, FAMILIES, `${field}.family`),
    minDaysSinceLastDose: integer(r.minDaysSinceLastDose, 0, 3650, `${field}.minDaysSinceLastDose`),
    ...codes(r.allowedCodes, `${field}.allowedCodes`),
    mixedProducts: oneOf(r.mixedProducts, ['larger', 'same-product'], `${field}.mixedProducts`),
  }
}

function test(r: Json, field: string): TestRule {
  only(r, ['kind', 'target', 'maxSampleAgeHours', 'methods', 'allowedCodes'], field)
  if (!Array.isArray(r.methods) || r.methods.length === 0) {
    throw bad('must list antigen and/or naat', `${field}.methods`)
  }
  const methods = r.methods.map((m, i) => oneOf(m, METHODS, `${field}.methods.${i}`))
  return {
    kind: 'test',
    target: oneOf(r.target, TARGETS, `${field}.target`),
    maxSampleAgeHours: integer(r.maxSampleAgeHours, 1, 8760, `${field}.maxSampleAgeHours`),
    methods: [...new Set(methods)],
    ...codes(r.allowedCodes, `${field}.allowedCodes`),
  }
}

function rule(r: unknown, field: string): Rule {
  if (!isJsonObject(r)) throw bad('a rule must be an object', field)
  if (r.kind === 'vaccination') return vaccination(r, field)
  if (r.kind === 'test') return test(r, field)
  throw bad('kind must be vaccination or test', `${field}.kind`)
}

function title(value: unknown, field: string): Record<string, string> {
  if (!isJsonObject(value) || typeof value.en !== 'string') throw bad('needs an en title', field)
  const out: Record<string, string> = {}
  for (const [lang, text] of Object.entries(value)) {
    if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(lang) || typeof text !== 'string') {
      throw bad('titles are text by language tag', `${field}.${lang}`)
    }
    if (text.trim() === '' || text.length > 100) throw bad('1-100 characters', `${field}.${lang}`)
    out[lang] = text
  }
  return out
}

function ruleSet(value: unknown, field: string): RuleSet {
  if (!isJsonObject(value)) throw bad('a rule set must be an object', field)
  only(value, ['name', 'title', 'anyOf'], field)
  if (typeof value.name !== 'string' || !NAME.test(value.name)) {
    throw bad('name must be 1-64 of a-z, 0-9 and -', `${field}.name`)
  }
  if (!Array.isArray(value.anyOf) || value.anyOf.length === 0 || value.anyOf.length > MAX_RULES) {
    throw bad(`anyOf must hold 1-${MAX_RULES} rules`, `${field}.anyOf`)
  }
  return {
    name: value.name,
    title: title(value.title, `${field}.title`),
    anyOf: value.anyOf.map((r, i) => rule(r, `${field}.anyOf.${i}`)),
  }
}

/** Checks a parsed document; throws RulesError (RULES_FORMAT) naming the field at fault. */
export function checkRuleSetDocument(value: unknown): RuleSetDocument {
  if (!isJsonObject(value)) throw bad('not a JSON object', 'document')
  only(value, ['format', 'ruleSets'], 'document')
  if (value.format !== RULES_FORMAT) throw bad(`format must be ${RULES_FORMAT}`, 'format')
  const sets = value.ruleSets
  if (!Array.isArray(sets) || sets.length === 0 || sets.length > MAX_RULE_SETS) {
    throw bad(`ruleSets must hold 1-${MAX_RULE_SETS} rule sets`, 'ruleSets')
  }
  const ruleSets = sets.map((s, i) => ruleSet(s, `ruleSets.${i}`))
  if (new Set(ruleSets.map((s) => s.name)).size !== ruleSets.length) {
    throw bad('two rule sets share a name', 'ruleSets')
  }
  return { format: RULES_FORMAT, ruleSets }
}

/** Parses rule-set text as published (the bytes the ledger entry commits to). */
export function parseRuleSetText(text: string): RuleSetDocument {
  if (typeof text !== 'string' || text.length > MAX_RULES_TEXT) {
    throw bad(`must be JSON text of at most ${MAX_RULES_TEXT} characters`, 'document')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw bad('not JSON', 'document')
  }
  return checkRuleSetDocument(json)
}

/** SHA-256 of the published text: the artefact hash of its `verifier-release` ledger entry. */
export function ruleSetHash(text: string): Uint8Array {
  return sha256(utf8(text))
}

/**
 * Parses rule-set text only if it hashes to `sha256Hex` (the hash its ledger entry commits to),
 * so rules altered anywhere between the authority and the venue are refused.
 */
export function openRuleSetText(text: string, sha256Hex: string): RuleSetDocument {
  let expected: Uint8Array
  try {
    expected = fromHex(sha256Hex)
  } catch {
    throw new RulesError('RULES_HASH_MISMATCH', 'the expected hash is not hex', { field: 'sha256' })
  }
  if (!equalBytes(ruleSetHash(text), expected)) {
    throw new RulesError('RULES_HASH_MISMATCH', 'the rule sets do not match their ledger hash', {
      field: 'text',
    })
  }
  return parseRuleSetText(text)
}
