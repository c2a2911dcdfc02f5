/**
 * Builders (Vaccination & Testing IG DM profiles, shc.md §4–5): bundles pass the SHC core's
 * bundle check and minimisation lint unchanged, sign and verify with a fresh ES256 key within one
 * QR, and rebuild the IG's own example bundles exactly once those lose `id` and `meta`.
 */
import { describe, expect, it } from 'vitest'
import {
  buildImmunization,
  buildImmunizationBundle,
  buildObservation,
  buildPatient,
  buildTestBundle,
} from '../../../src/core/fhir/index.ts'
import {
  assertFitsSingleQr,
  checkFhirBundle,
  issueShc,
  lintBundleMinimisation,
  minimiseBundle,
  verifyShc,
} from '../../../src/core/shc/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { createFreshIssuer, SPEC_ISS } from '../shc/fixtures.ts'
import { antigenTest, NOW, threeDoses } from './fixtures.ts'

const IG = 'shc/vaccination-ig/'
type Json = Record<string, unknown>

describe('bundles the SHC core accepts as they are', () => {
  for (const [name, bundle] of [
    ['immunization', () => buildImmunizationBundle(threeDoses())],
    ['test', () => buildTestBundle(antigenTest())],
  ] as const) {
    it(`${name} bundle: checkFhirBundle passes, no lint, minimisation changes nothing`, () => {
      const built = bundle() as unknown as Json
      expect(checkFhirBundle(built)).toBe(built)
      expect(lintBundleMinimisation(built)).toEqual([])
      expect(minimiseBundle(built)).toEqual(built)
      // Reference.display (performer) is the IG's way to name an organisation; Coding.display is
      // what minimisation forbids, and the lint above finds it.
      expect(JSON.stringify(built)).not.toMatch(/"(id|meta|text)":/)
    })
  }

  it('puts the Patient at resource:0 and references it from every other entry', () => {
    const bundle = buildImmunizationBundle(threeDoses())
    expect(bundle.type).toBe('collection')
    expect(bundle.entry.map((e) => e.fullUrl)).toEqual([0, 1, 2, 3].map((i) => `resource:${i}`))
    for (const { resource } of bundle.entry.slice(1)) {
      expect(resource).toMatchObject({ patient: { reference: 'resource:0' } })
    }
  })

  it('trims and NFC-normalises names; omits absent lot and performer', () => {
    const patient = buildPatient(
      { givenNames: ['  Zoe\u0301 '], familyName: ' Brontë ', birthDate: '1990-05' },
      { now: NOW },
    )
    expect(patient.name).toEqual([{ family: 'Brontë', given: ['Zoé'] }])
    expect(buildImmunization({ code: '212', date: '2021-05-01' }, { now: NOW })).toEqual({
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '212' }] },
      patient: { reference: 'resource:0' },
      occurrenceDateTime: '2021-05-01',
    })
    const obs = buildObservation(
      { code: '92142-9', date: '2024-01-02', result: '10828004' },
      { now: NOW },
    )
    expect('performer' in obs).toBe(false)
  })
})

describe('issued with core/shc', () => {
  it('a 3-dose record with long names signs, verifies and fits one QR at level L', async () => {
    const issuer = await createFreshIssuer()
    const bundle = buildImmunizationBundle(threeDoses())
    const jws = await issueShc({ bundle, iss: SPEC_ISS, nbf: NOW, keyPair: issuer.keyPair })
    assertFitsSingleQr(jws, 'L')
    const verified = await verifyShc({ jws }, issuer.trust, NOW + 60)
    expect(verified.bundle).toEqual(bundle)
    expect(verified.warnings).toEqual([])
  })

  it('a test card fits one QR even at level M', async () => {
    const issuer = await createFreshIssuer()
    const bundle = buildTestBundle(antigenTest())
    const jws = await issueShc({ bundle, iss: SPEC_ISS, nbf: NOW, keyPair: issuer.keyPair })
    assertFitsSingleQr(jws, 'M')
    expect((await verifyShc({ jws }, issuer.trust, NOW)).bundle).toEqual(bundle)
  })
})

/** The IG examples carry `id` and IAL `meta.security`; Vigil emits neither (see build.ts). */
const minimisedVector = (file: string) => JSON.stringify(minimiseBundle(readVectorJson(IG + file)))
const vaccination = (given: string[], birthDate: string, doses: [string, string, string][]) => ({
  patient: { givenNames: given, familyName: 'Anyperson', birthDate },
  immunizations: doses.map(([code, date, lotNumber]) => ({
    code,
    date,
    lotNumber,
    performer: 'ABC General Hospital',
  })),
  now: NOW,
})

describe('the IG example bundles, rebuilt (byte for byte after minimisation)', () => {
  it('bundle-immunization-covid (Scenario 1: 207, 207, 229)', () => {
    const input = vaccination(['John', 'B.'], '1951-01-20', [
      ['207', '2021-01-01', '0000001'],
      ['207', '2021-01-29', '0000007'],
      ['229', '2022-09-05', '0000001'],
    ])
    expect(JSON.stringify(buildImmunizationBundle(input))).toBe(
      minimisedVector('bundles/bundle-immunization-covid.json'),
    )
  })

  it('bundle-immunization-mpox (CVX 206, two doses)', () => {
    const input = vaccination(['Jane', 'C.'], '1961-01-20', [
      ['206', '2022-08-01', '0000002'],
      ['206', '2022-08-29', '0000003'],
    ])
    expect(JSON.stringify(buildImmunizationBundle(input))).toBe(
      minimisedVector('bundles/bundle-immunization-mpox.json'),
    )
  })

  it('bundle-lab-test-results-covid (Scenario 3: 94558-4 antigen, Detected)', () => {
    const bundle = buildTestBundle({
      patient: { givenNames: ['James', 'T.'], familyName: 'Anyperson', birthDate: '1951-01-20' },
      test: {
        code: '94558-4',
        date: '2021-02-17',
        result: '260373001',
        performer: 'ABC General Hospital',
      },
      now: NOW,
    })
    expect(JSON.stringify(bundle)).toBe(
      minimisedVector('bundles/bundle-lab-test-results-covid.json'),
    )
  })

  it('the signed Scenario 2 payload (CVX 208) has the same content, keys in another order', () => {
    const payload = readVectorJson<{ vc: { credentialSubject: { fhirBundle: unknown } } }>(
      `${IG}signed-examples/Scenario2Bundle-jws-payload-expanded.json`,
    )
    const input = vaccination(['Jane', 'C.'], '1961-01-20', [
      ['208', '2021-01-01', '0000002'],
      ['208', '2021-01-29', '0000008'],
    ])
    expect(buildImmunizationBundle(input)).toEqual(
      minimiseBundle(payload.vc.credentialSubject.fhirBundle),
    )
  })
})
