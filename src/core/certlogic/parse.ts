/**
 * @module core/certlogic/parse
 * The strict reader of EU validation rules. Field constraints follow the gateway's
 * validation-rule JSON schema (Identifier, Country, semantic versions, ISO 8601 instants with an
 * offset, an English description); the Logic must be a well-formed CertLogic expression
 * (certlogic-js's format validator). Unknown fields are refused: a misspelt field never silently
 * drops a condition.
 */
import { validateFormat } from 'certlogic-js/dist/validation/format-validator.js'
import { isJsonObject } from '../codec/index.ts'
import { CertLogicError } from './errors.ts'
import {
  type CertLogicExpression,
  DCC_RULE_CERTIFICATE_TYPES,
  DCC_RULE_TYPES,
  type DccRule,
  type DccRuleDescription,
  type DccValueSets,
} from './types.ts'

// The gateway's schema has `[1-9]\d*` for the number, yet every published rule (VR-AT-0001…)
// uses four digits with leading zeros: accept what is distributed.
const IDENTIFIER = /^(GR|VR|TR|RR|IR)-[A-Z]{2}-\d{4}$/
const COUNTRY = /^[A-Z]{2}$/
const SEMVER = /^\d+\.\d+\.\d+$/
const INSTANT = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d+)?(?:[-+][0-2]\d:[0-5]\d|Z)$/
const LANG = /^[a-z]{2}(?:-[a-z]{2})?$/
const FIELDS = new Set([
  'Identifier',
  'Type',
  'Country',
  'Version',
  'SchemaVersion',
  'Engine',
  'EngineVersion',
  'CertificateType',
  'Description',
  'ValidFrom',
  'ValidTo',
  'AffectedFields',
  'Logic',
  'Region',
])
/** A rule set larger than this is not a country's rules (the largest had about 60). */
export const MAX_DCC_RULES = 1000

function refuse(message: string, field: string): never {
  throw new CertLogicError('DCC_RULES_INVALID', message, { field })
}

function text(o: Record<string, unknown>, key: string, pattern?: RegExp): string {
  const v = o[key]
  if (typeof v !== 'string' || (pattern !== undefined && !pattern.test(v))) {
    refuse(`${key} is missing or malformed`, key)
  }
  return v
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T {
  const v = o[key]
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    refuse(`${key} must be one of ${allowed.join(', ')}`, key)
  }
  return v as T
}

function descriptions(v: unknown): DccRuleDescription[] {
  if (!Array.isArray(v) || v.length === 0)
    refuse('Description must list descriptions', 'Description')
  const out = v.map((d, i): DccRuleDescription => {
    if (!isJsonObject(d) || typeof d.lang !== 'string' || !LANG.test(d.lang)) {
      refuse('a description needs a language', `Description.${i}.lang`)
    }
    if (typeof d.desc !== 'string' || d.desc.trim() === '') {
      refuse('a description needs its text', `Description.${i}.desc`)
    }
    return { lang: d.lang, desc: d.desc }
  })
  if (!out.some((d) => d.lang === 'en')) refuse('Description needs an English one', 'Description')
  return out
}

/** Reads one rule; throws DCC_RULES_INVALID naming the field at fault. */
export function parseDccRule(input: unknown): DccRule {
  if (!isJsonObject(input)) refuse('a rule must be a JSON object', '')
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) refuse(`unknown field ${key}`, key)
  }
  const validFrom = text(input, 'ValidFrom', INSTANT)
  const validTo = text(input, 'ValidTo', INSTANT)
  if (Date.parse(validFrom) > Date.parse(validTo)) refuse('ValidFrom is after ValidTo', 'ValidTo')
  if (input.Engine !== 'CERTLOGIC') refuse('Engine must be CERTLOGIC', 'Engine')
  const affected = input.AffectedFields
  if (!Array.isArray(affected) || !affected.every((f) => typeof f === 'string')) {
    refuse('AffectedFields must be a list of strings', 'AffectedFields')
  }
  const logic = input.Logic
  const problems = validateFormat(logic)
  if (logic === undefined || problems.length > 0) {
    refuse(`Logic is not CertLogic: ${problems[0]?.message ?? 'missing'}`, 'Logic')
  }
  const region = input.Region
  if (region !== undefined && typeof region !== 'string') refuse('Region must be text', 'Region')
  return {
    Identifier: text(input, 'Identifier', IDENTIFIER),
    Type: oneOf(input, 'Type', DCC_RULE_TYPES),
    Country: text(input, 'Country', COUNTRY),
    Version: text(input, 'Version', SEMVER),
    SchemaVersion: text(input, 'SchemaVersion', SEMVER),
    Engine: 'CERTLOGIC',
    EngineVersion: text(input, 'EngineVersion', SEMVER),
    CertificateType: oneOf(input, 'CertificateType', DCC_RULE_CERTIFICATE_TYPES),
    Description: descriptions(input.Description),
    ValidFrom: validFrom,
    ValidTo: validTo,
    AffectedFields: affected as string[],
    Logic: logic as CertLogicExpression,
    ...(region === undefined ? {} : { Region: region }),
  }
}

/**
 * Reads a JSON array of rules (as the gateway distributes a country's rules); the field at fault
 * is prefixed with the rule's index.
 */
export function parseDccRules(input: unknown): DccRule[] {
  if (!Array.isArray(input)) refuse('a rule set must be a JSON array of rules', '')
  if (input.length > MAX_DCC_RULES) refuse(`more than ${MAX_DCC_RULES} rules`, '')
  return input.map((rule, i) => {
    try {
      return parseDccRule(rule)
    } catch (err) {
      if (!(err instanceof CertLogicError)) throw err
      const field = err.field === undefined || err.field === '' ? `${i}` : `${i}.${err.field}`
      throw new CertLogicError('DCC_RULES_INVALID', `rule ${i}: ${err.message}`, { field })
    }
  })
}

/** Reads the text of a rule array; malformed JSON is DCC_RULES_INVALID too. */
export function parseDccRulesText(text: string): DccRule[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    refuse('the rule set is not JSON', '')
  }
  return parseDccRules(json)
}

/** Reads value sets: an object of id → list of codes (the EU value-set JSON's ids and keys). */
export function parseDccValueSets(input: unknown): DccValueSets {
  if (!isJsonObject(input)) refuse('value sets must be an object', 'valueSets')
  const out: Record<string, readonly string[]> = {}
  for (const [id, codes] of Object.entries(input)) {
    if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) {
      refuse('a value set must be a list of codes', `valueSets.${id}`)
    }
    out[id] = codes as string[]
  }
  return out
}
