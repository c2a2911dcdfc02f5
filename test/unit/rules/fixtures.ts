/**
 * Test-only helpers for core/rules: FHIR bundles as issuers write them (doses by CVX code and
 * date, tests with a collection dateTime), summarised by the real core/fhir summarise().
 */

import { readFileSync } from 'node:fs'
import { type CredentialSummary, summarise } from '../../../src/core/fhir/index.ts'
import { parseRuleSetText, type RuleSet } from '../../../src/core/rules/index.ts'

/** 2024-06-01T12:00:00Z */
export const NOW = Date.UTC(2024, 5, 1, 12) / 1000

const PATIENT = {
  resourceType: 'Patient',
  name: [{ family: 'Anyperson', given: ['John', 'B.'] }],
  birthDate: '1951-01-20',
}

export const dose = (code: string, date: string) => ({
  resourceType: 'Immunization',
  status: 'completed',
  vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code }] },
  patient: { reference: 'resource:0' },
  occurrenceDateTime: date,
})

const RESULT = { negative: '260385009', positive: '10828004', inconclusive: '419984006' }

export const test = (code: string, collected: string, result: keyof typeof RESULT) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: 'resource:0' },
  effectiveDateTime: collected,
  valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: RESULT[result] }] },
})

export function card(...resources: unknown[]): CredentialSummary {
  return summarise({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [PATIENT, ...resources].map((resource, i) => ({ fullUrl: `resource:${i}`, resource })),
  })
}

/** An instant `hours` (and `minutes`) before NOW, as a FHIR dateTime in UTC. */
export function hoursAgo(hours: number, minutes = 0): string {
  return new Date((NOW - hours * 3600 - minutes * 60) * 1000).toISOString().replace('.000Z', 'Z')
}

/** The day `days` before NOW (YYYY-MM-DD). */
export function daysAgo(days: number): string {
  return new Date((NOW - days * 86_400) * 1000).toISOString().slice(0, 10)
}

/** The example document in docs/, as an authority would publish it. */
export const EXAMPLE_TEXT = readFileSync(
  new URL('../../../docs/rules-example.json', import.meta.url),
  'utf8',
)
const EXAMPLE = parseRuleSetText(EXAMPLE_TEXT)

export function ruleSet(name: string): RuleSet {
  const found = EXAMPLE.ruleSets.find((s) => s.name === name)
  if (found === undefined) throw new Error(`no rule set ${name}`)
  return found
}
