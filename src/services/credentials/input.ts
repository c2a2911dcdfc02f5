/**
 * @module services/credentials/input
 * The issuing request: zod schemas for an immunization or a test credential, mapping field for
 * field onto the core builder inputs of core/fhir. zod checks shape, types, lengths and code
 * lists, so a bad request fails with the path of its field; the core builders check the rest
 * (dates against `now` and the birth date, trimming, control characters) and name the same path
 * in FhirError.field. Names and examples are plain zod metadata (`.meta`): the HTTP layer's
 * OpenAPI generator reads them, so this service needs no HTTP library.
 */
import { z } from 'zod'
import {
  type ImmunizationBundleInput,
  MAX_GIVEN_NAMES,
  MAX_IMMUNIZATIONS,
  MAX_LOT_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PERFORMER_LENGTH,
  RESULT_CODES,
  TEST_CODES,
  type TestBundleInput,
  VACCINE_CODES,
} from '../../core/fhir/index.ts'

const codes = (list: readonly { code: string }[]) =>
  list.map((e) => e.code) as [string, ...string[]]

const DAY = /^\d{4}-\d{2}-\d{2}$/
const BIRTH_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/
/** ISO 3166-2 subdivision: country, '-', 1–3 letters or digits (the region of the fact). */
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/

const name = z.string().min(1).max(MAX_NAME_LENGTH)
const day = z.string().regex(DAY, 'must be YYYY-MM-DD')
const performer = z
  .string()
  .min(1)
  .max(MAX_PERFORMER_LENGTH)
  .meta({ description: 'Administering organisation (IG: under 30 characters)' })

export const PatientInput = z
  .strictObject({
    givenNames: z
      .array(name)
      .min(1)
      .max(MAX_GIVEN_NAMES)
      .meta({ example: ['Anna', 'Maria'] }),
    familyName: name.meta({ example: 'de Vries' }),
    birthDate: z
      .string()
      .regex(BIRTH_DATE, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
      .meta({ description: 'Partial dates allowed (FHIR date)', example: '1961-01-20' }),
  })
  .meta({ id: 'PatientInput' })

export const ImmunizationInput = z
  .strictObject({
    code: z.enum(codes(VACCINE_CODES)).meta({ description: 'CVX code', example: '208' }),
    date: day.meta({ example: '2021-01-01' }),
    lotNumber: z.string().min(1).max(MAX_LOT_LENGTH).optional().meta({ example: 'EW0182' }),
    performer: performer.optional(),
  })
  .meta({ id: 'ImmunizationInput' })

export const TestInput = z
  .strictObject({
    code: z.enum(codes(TEST_CODES)).meta({ description: 'LOINC code', example: '94558-4' }),
    date: day.meta({ description: 'Specimen collection day', example: '2021-02-17' }),
    result: z.enum(codes(RESULT_CODES)).meta({ description: 'SNOMED CT', example: '260415000' }),
    performer: performer.optional(),
  })
  .meta({ id: 'TestInput' })

const region = z.string().regex(REGION, 'must be an ISO 3166-2 code such as NL-NH')

/** Days until the card expires (`exp` = `nbf` + validDays); most cards carry no `exp`. */
const validDays = z
  .number()
  .int()
  .min(1)
  .max(3650)
  .optional()
  .meta({ description: 'Days until expiry (sets exp)', example: 2 })

const patientExample = { givenNames: ['Anna', 'Maria'], familyName: 'de Vries', birthDate: '1961' }

export const ImmunizationCredentialInput = z
  .strictObject({
    type: z.literal('immunization'),
    patient: PatientInput,
    immunizations: z.array(ImmunizationInput).min(1).max(MAX_IMMUNIZATIONS),
    region: region.meta({ example: 'NL-NH' }),
    validDays,
  })
  .meta({
    id: 'ImmunizationCredentialInput',
    example: {
      type: 'immunization',
      patient: patientExample,
      immunizations: [
        { code: '208', date: '2021-01-01', lotNumber: 'EW0182', performer: 'GGD Amsterdam' },
        { code: '208', date: '2021-01-29', lotNumber: 'EW0191', performer: 'GGD Amsterdam' },
      ],
      region: 'NL-NH',
    },
  })

export const TestCredentialInput = z
  .strictObject({
    type: z.literal('test'),
    patient: PatientInput,
    test: TestInput,
    region: region.meta({ example: 'NL-NH' }),
    validDays,
  })
  .meta({
    id: 'TestCredentialInput',
    example: {
      type: 'test',
      patient: patientExample,
      test: { code: '94558-4', date: '2021-02-17', result: '260415000', performer: 'Testlab' },
      region: 'NL-NH',
    },
  })

export const CredentialInput = z
  .discriminatedUnion('type', [ImmunizationCredentialInput, TestCredentialInput])
  .meta({ id: 'CredentialInput' })

export type ImmunizationCredentialInput = z.infer<typeof ImmunizationCredentialInput>
export type TestCredentialInput = z.infer<typeof TestCredentialInput>
export type CredentialInput = z.infer<typeof CredentialInput>

/** A parsed request as the core builders take it, plus what the service needs beside them. */
export type CredentialBuilderInput =
  | { kind: 'immunization'; bundle: ImmunizationBundleInput; region: string; validDays?: number }
  | { kind: 'test'; bundle: TestBundleInput; region: string; validDays?: number }

/**
 * Adds the issuing time (a Date or NumericDate seconds, as the builders take it); every other
 * field passes through unchanged.
 */
export function toBuilderInput(input: CredentialInput, at: Date | number): CredentialBuilderInput {
  const now = typeof at === 'number' ? at : Math.floor(at.getTime() / 1000)
  const expiry = input.validDays === undefined ? {} : { validDays: input.validDays }
  if (input.type === 'test') {
    const { patient, test, region } = input
    return { kind: 'test', bundle: { patient, test, now }, region, ...expiry }
  }
  const { patient, immunizations, region } = input
  return { kind: 'immunization', bundle: { patient, immunizations, now }, region, ...expiry }
}
