/**
 * The HTTP edge's zod schemas: the published OpenAPI examples parse, missing and extra fields
 * fail at the right path, and a parsed request maps onto the core builders (whose FhirError
 * fields use the same paths).
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import { buildImmunizationBundle, buildTestBundle } from '../../../src/core/fhir/index.ts'
import { CredentialInput, toBuilderInput } from '../../../src/services/credentials/input.ts'
import { expectFhirCode, NOW } from './fixtures.ts'

type Json = Record<string, unknown>

/** The components of the OpenAPI document a route with this body publishes. */
function published(): Record<string, Json> {
  const app = new OpenAPIHono()
  const body = { content: { 'application/json': { schema: CredentialInput } } }
  const route = createRoute({
    method: 'post',
    path: '/api/credentials',
    request: { body },
    responses: { 201: { description: 'issued' } },
  })
  app.openapi(route, (c) => c.body(null, 201))
  const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Vigil', version: '0' } })
  return doc.components?.schemas as Record<string, Json>
}

const schemas = published()
const example = (name: string) => structuredClone(schemas[name]?.example) as Json

function issueAt(input: unknown): { path: string; code: string; keys?: string[] } {
  const result = CredentialInput.safeParse(input)
  expect(result.success).toBe(false)
  const issue = result.error?.issues[0] as { path: PropertyKey[]; code: string; keys?: string[] }
  return {
    path: issue.path.join('.'),
    code: issue.code,
    ...(issue.keys ? { keys: issue.keys } : {}),
  }
}

describe('credential input schemas', () => {
  it('publishes named schemas with examples, and the examples parse', () => {
    for (const name of ['CredentialInput', 'ImmunizationCredentialInput', 'TestCredentialInput']) {
      expect(schemas[name]).toBeDefined()
    }
    expect(schemas.PatientInput?.additionalProperties).toBe(false)
    for (const name of ['ImmunizationCredentialInput', 'TestCredentialInput']) {
      expect(CredentialInput.parse(example(name))).toEqual(example(name))
    }
  })

  it('rejects a missing field at its path', () => {
    const input = example('ImmunizationCredentialInput')
    delete (input.patient as Json).birthDate
    expect(issueAt(input)).toMatchObject({ path: 'patient.birthDate', code: 'invalid_type' })
    const test = example('TestCredentialInput')
    delete (test.test as Json).result
    expect(issueAt(test)).toMatchObject({ path: 'test.result' })
    const noRegion = example('TestCredentialInput')
    delete noRegion.region
    expect(issueAt(noRegion)).toMatchObject({ path: 'region' })
  })

  it('rejects extra fields at the object that holds them', () => {
    const input = example('ImmunizationCredentialInput')
    ;(input.patient as Json).ssn = '123-45-6789'
    expect(issueAt(input)).toEqual({ path: 'patient', code: 'unrecognized_keys', keys: ['ssn'] })
    const dose = example('ImmunizationCredentialInput')
    ;((dose.immunizations as Json[])[1] as Json).site = 'left arm'
    expect(issueAt(dose)).toMatchObject({ path: 'immunizations.1', keys: ['site'] })
    expect(issueAt({ ...example('TestCredentialInput'), validUntil: 1 })).toMatchObject({
      path: '',
    })
  })

  it('rejects unknown types, codes, regions and malformed dates at their paths', () => {
    expect(issueAt({ ...example('TestCredentialInput'), type: 'passport' }).path).toBe('type')
    const dose = example('ImmunizationCredentialInput')
    ;((dose.immunizations as Json[])[0] as Json).code = '999'
    expect(issueAt(dose)).toMatchObject({ path: 'immunizations.0.code', code: 'invalid_value' })
    expect(issueAt({ ...example('TestCredentialInput'), region: 'Noord-Holland' }).path).toBe(
      'region',
    )
    const test = example('TestCredentialInput')
    ;(test.test as Json).date = '17-02-2021'
    expect(issueAt(test).path).toBe('test.date')
    const many = example('ImmunizationCredentialInput')
    many.immunizations = Array(21).fill((many.immunizations as Json[])[0])
    expect(issueAt(many)).toMatchObject({ path: 'immunizations', code: 'too_big' })
  })

  it('maps onto the builders; their errors name the same paths', () => {
    const parsed = CredentialInput.parse(example('ImmunizationCredentialInput'))
    const mapped = toBuilderInput(parsed, new Date(NOW * 1000))
    expect(mapped).toMatchObject({ kind: 'immunization', region: 'NL-NH', bundle: { now: NOW } })
    if (mapped.kind !== 'immunization') throw new Error('kind')
    expect(buildImmunizationBundle(mapped.bundle).entry).toHaveLength(3)
    const test = toBuilderInput(CredentialInput.parse(example('TestCredentialInput')), NOW)
    if (test.kind !== 'test') throw new Error('kind')
    expect(buildTestBundle(test.bundle).entry).toHaveLength(2)
    const future = { ...test.bundle, test: { ...test.bundle.test, date: '2030-01-01' } }
    expectFhirCode(() => buildTestBundle(future), 'FHIR_DATE_FUTURE', 'test.date')
  })

  it('passes validDays through, for tests too', () => {
    const test = CredentialInput.parse({ ...example('TestCredentialInput'), validDays: 2 })
    expect(toBuilderInput(test, NOW)).toMatchObject({ kind: 'test', validDays: 2 })
    expect(issueAt({ ...example('TestCredentialInput'), validDays: 0.5 }).path).toBe('validDays')
  })
})
