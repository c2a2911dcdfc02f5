/**
 * Vigil's expected outcome for every entry of test/vectors/shc/expected.json, keyed by
 * `kind: first file [+ second] [+ N more] [@ alternative mirror root]`. Rejections name the one
 * ShcError code; accept-with-warnings rows name the warning codes. Where expected.json gives a
 * `conformance-*` verdict (issuer-side form, "verifier may trim"), `note` says what Vigil's
 * verifier concludes instead. `n/a` rows say why the entry is outside this module.
 */
import type { ShcErrorCode, ShcWarningCode } from '../../../src/core/shc/index.ts'

export type Verdict =
  | { readonly outcome: 'accept'; readonly note?: string }
  | {
      readonly outcome: 'accept-with-warnings'
      readonly warnings: readonly ShcWarningCode[]
      readonly note?: string
    }
  | {
      readonly outcome: 'reject' | 'crl-invalid'
      readonly code: ShcErrorCode
      readonly field?: string
      readonly note?: string
    }
  | { readonly outcome: 'keyset-valid' }
  | { readonly outcome: 'keyset-invalid'; readonly field: string }
  | { readonly outcome: 'partial'; readonly cards: readonly (ShcErrorCode | 'accept')[] }
  | { readonly outcome: 'n/a'; readonly why: string }

const ACCEPT = { outcome: 'accept' } as const
const reject = (code: ShcErrorCode, field?: string, note?: string): Verdict => ({
  outcome: 'reject',
  code,
  ...(field === undefined ? {} : { field }),
  ...(note === undefined ? {} : { note }),
})
const warn = (warnings: ShcWarningCode[], note?: string): Verdict => ({
  outcome: 'accept-with-warnings',
  warnings,
  ...(note === undefined ? {} : { note }),
})
const crlInvalid = (field: string): Verdict => ({
  outcome: 'crl-invalid',
  code: 'SHC_CRL_INVALID',
  field,
})
const FHIR = {
  outcome: 'n/a',
  why: 'unsigned bundle: FHIR profile/terminology validation is a separate layer (shc.md §14.9)',
} as const
const IMAGE = {
  outcome: 'n/a',
  why: 'QR image decoding (segments, version) happens before the core, which reads QR text',
} as const
const PKI = {
  outcome: 'n/a',
  why: 'x5c path validation (chain, SAN, leaf key): Vigil is a plain-JWKS verifier (spec allows)',
} as const
const MINIFIED = 'the test signs the minified payload (issuer pipeline), so layout is moot'
const EXPIRED_NOW = 'evaluated at "now" (pinned 2026-11-01): example-03 expired 2025-05-07'
const TRIMMED = 'conformance-error; Vigil trims surrounding whitespace and warns'

export const VERDICTS: Readonly<Record<string, Verdict>> = {
  'fhirbundle: example-00-a-fhirBundle.json': FHIR,
  'jwspayload: example-00-b-jws-payload-expanded.json': ACCEPT,
  'jwspayload: example-00-c-jws-payload-minified.json': ACCEPT,
  'jws: example-00-d-jws.txt': ACCEPT,
  'healthcard-file: example-00-e-file.smart-health-card': ACCEPT,
  'qr-numeric: example-00-f-qr-code-numeric-value-0.txt': ACCEPT,
  'qr-image-svg: example-00-g-qr-code-0.svg': IMAGE,
  'fhirbundle: example-01-a-fhirBundle.json': FHIR,
  'jwspayload: example-01-b-jws-payload-expanded.json': ACCEPT,
  'jwspayload: example-01-c-jws-payload-minified.json': ACCEPT,
  'jws: example-01-d-jws.txt': ACCEPT,
  'healthcard-file: example-01-e-file.smart-health-card': ACCEPT,
  'qr-numeric: example-01-f-qr-code-numeric-value-0.txt': ACCEPT,
  'qr-image-svg: example-01-g-qr-code-0.svg': IMAGE,
  'fhirbundle: example-02-a-fhirBundle.json': FHIR,
  'jwspayload: example-02-b-jws-payload-expanded.json': ACCEPT,
  'jwspayload: example-02-c-jws-payload-minified.json': ACCEPT,
  'jws: example-02-d-jws.txt': ACCEPT,
  'healthcard-file: example-02-e-file.smart-health-card': ACCEPT,
  'fhirbundle: example-03-a-fhirBundle.json': FHIR,
  'jwspayload: example-03-b-jws-payload-expanded.json': reject('SHC_EXPIRED', 'exp', EXPIRED_NOW),
  'jwspayload: example-03-c-jws-payload-minified.json': reject('SHC_EXPIRED', 'exp', EXPIRED_NOW),
  'jws: example-03-d-jws.txt': reject('SHC_EXPIRED', 'exp'),
  'healthcard-file: example-03-e-file.smart-health-card': reject('SHC_EXPIRED', 'exp'),
  'qr-numeric: example-03-f-qr-code-numeric-value-0.txt': reject('SHC_EXPIRED', 'exp'),
  'qr-image-svg: example-03-g-qr-code-0.svg': IMAGE,
  'qr-numeric (3 chunks, shc:/C/N/): example-02-f-qr-code-numeric-value-0.txt + example-02-f-qr-code-numeric-value-1.txt + 1 more':
    warn(['SHC_QR_CHUNKED']),
  'qr-image-svg (3 chunks): example-02-g-qr-code-0.svg + example-02-g-qr-code-1.svg + 1 more':
    IMAGE,
  'qr-numeric chunks out of order: example-02-f-qr-code-numeric-value-1.txt + example-02-f-qr-code-numeric-value-0.txt + 1 more':
    warn(['SHC_QR_CHUNKED']),
  'qr-numeric chunk set: example-02-f-qr-code-numeric-value-0.txt + example-02-f-qr-code-numeric-value-2.txt':
    reject('SHC_QR_CHUNK_MISSING'),
  'qr-numeric chunk set: example-02-f-qr-code-numeric-value-0.txt + example-02-f-qr-code-numeric-value-2.txt + 1 more':
    reject('SHC_QR_CHUNK_DUPLICATE', 'qr[2]'),
  'jws + CRL: example-03-d-jws.txt @ issuers-revoking-example-03': reject('SHC_REVOKED', 'vc.rid'),
  'jws + CRL: example-00-d-jws.txt @ issuers-revoking-example-03': ACCEPT,
  'jws + CRL: example-03-d-jws.txt @ issuers-revoking-example-03-by-timestamp': reject(
    'SHC_REVOKED',
    'vc.rid',
  ),
  'jws + CRL: example-00-d-jws.txt @ issuers-revoking-example-03-by-timestamp': ACCEPT,
  'jws + CRL: example-03-d-jws.txt': ACCEPT,
  'jws: jws-crl-duplicate-rid.txt': crlInvalid('crl.rids[2]'),
  'jws: jws-crl-invalid-method.txt': crlInvalid('crl.method'),
  'jws: jws-crl-non-base64url-rid.txt': crlInvalid('crl.rids[1]'),
  'jws: jws-crl-too-long-rid.txt': crlInvalid('crl.rids[1]'),
  'jws: jws-crl-version-mismatch.txt': crlInvalid('crl.ctr'),
  'fhirbundle: test-example-00-a-fhirBundle-bad_meta_extra_key.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-bad_meta_non_security.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-bad_meta_wrong_security.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-empty-values.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-occurrence-issues.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-profile-usa.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-status-not-completed.json': FHIR,
  'fhirbundle: test-example-00-a-fhirBundle-trailing_chars.json': FHIR,
  'fhirbundle: test-example-00-a-non-dm-properties.json': FHIR,
  'fhirbundle: test-example-00-a-short-refs.json': FHIR,
  'jwspayload: test-example-00-b-jws-payload-expanded-exp_milliseconds.json': reject(
    'SHC_EXP_INVALID',
    'exp',
    'conformance-fail; an exp in ms would never expire, so Vigil rejects it',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-expired.json': reject('SHC_EXPIRED', 'exp'),
  'jwspayload: test-example-00-b-jws-payload-expanded-missing-coding.json': reject(
    'SHC_BUNDLE',
    'fhirBundle.entry[1].resource.vaccineCode',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-missing-covid-vc-type.json': ACCEPT,
  'jwspayload: test-example-00-b-jws-payload-expanded-missing-imm-vc-type.json': ACCEPT,
  'jwspayload: test-example-covid-lab-jwspayload-missing-lab-vc-type.json': ACCEPT,
  'jwspayload: test-example-00-b-jws-payload-expanded-missing-shc-vc-type.json': reject(
    'SHC_VC_TYPE',
    'vc.type',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-nbf_milliseconds.json': reject(
    'SHC_NBF_FUTURE',
    'nbf',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-nbf_not_yet_valid.json': reject(
    'SHC_NBF_FUTURE',
    'nbf',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-optional-vc-type.json': warn([
    'SHC_VC_TYPE_EXTRA',
  ]),
  'jwspayload: test-example-00-b-jws-payload-expanded-pre-expired.json': reject(
    'SHC_EXP_INVALID',
    'exp',
  ),
  'jwspayload: test-example-00-b-jws-payload-expanded-trailing_chars.json': {
    outcome: 'accept',
    note: `conformance-error; ${MINIFIED}`,
  },
  'jwspayload: test-example-00-b-jws-payload-expanded-unknown-vc-types.json': ACCEPT,
  'jws: test-example-00-d-jws-bad-fhir-metadata.txt': warn(['SHC_BUNDLE_NOT_MINIMISED']),
  'jws: test-example-00-d-jws-der-signature.txt': reject('SHC_SIGNATURE_DER', 'signature'),
  'jws: test-example-00-d-jws-der-signature-r-neg.txt': reject('SHC_SIGNATURE_DER', 'signature'),
  'jws: test-example-00-d-jws-der-signature-s-neg.txt': reject('SHC_SIGNATURE_DER', 'signature'),
  'jws: test-example-00-d-jws-der-signature-rs-neg.txt': reject('SHC_SIGNATURE_DER', 'signature'),
  'jws: test-example-00-d-jws-invalid-signature.txt': reject('SHC_SIGNATURE_INVALID', 'signature'),
  'jws: test-example-00-d-jws-issuer-not-valid-with-smart-key.txt': reject(
    'SHC_ISSUER_UNKNOWN',
    'iss',
  ),
  'jws: test-example-00-d-jws-no_deflate.txt': reject('SHC_HEADER_ZIP', 'zip'),
  'jws: test-example-00-d-jws-no_jws_header_alg.txt': reject('SHC_HEADER_ALG', 'alg'),
  'jws: test-example-00-d-jws-no_jws_header_kid.txt': reject('SHC_HEADER_KID', 'kid'),
  'jws: test-example-00-d-jws-no_jws_header_zip.txt': reject('SHC_HEADER_ZIP', 'zip'),
  'jws: test-example-00-d-jws-trailing_chars.txt': warn(['SHC_WHITESPACE_TRIMMED'], TRIMMED),
  'jws: test-example-00-d-jws-utf8_bom_prefix.txt': reject('SHC_PAYLOAD_JSON', 'payload'),
  'jws: test-example-00-d-jws-wrong_jws_header_kid.txt': reject('SHC_KEY_NOT_FOUND', 'kid'),
  'jws: test-example-00-d-jws-issuer-kid-mismatch.txt': reject('SHC_KEY_NOT_FOUND', 'kid'),
  'jws: test-example-00-d-jws-issuer-kid-mismatch.txt @ foreign key set': {
    outcome: 'n/a',
    why: 'dev-tools -k supplies keys apart from any issuer; in Vigil only the resolver for iss binds keys (row above covers the mirror)',
  },
  'jws: test-example-00-d-jws-jws_too_long.txt': reject('SHC_ISSUER_UNKNOWN', 'iss'),
  'healthcard-file: test-example-00-e-file-bad_jwks.smart-health-card': reject(
    'SHC_KEYSET_INVALID',
    'keys',
  ),
  'healthcard-file: test-example-00-e-file-invalid_deflate.smart-health-card': reject(
    'SHC_INFLATE',
    'payload',
  ),
  'healthcard-file: test-example-00-e-file-invalid_issuer_url.smart-health-card': reject(
    'SHC_ISSUER_UNKNOWN',
    'iss',
  ),
  'healthcard-file: test-example-00-e-file-invalid_issuer_url_http.smart-health-card': reject(
    'SHC_ISSUER_URL',
    'iss',
  ),
  'healthcard-file: test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card':
    reject('SHC_ISSUER_URL', 'iss'),
  'healthcard-file: test-example-00-e-file-jws_too_long.smart-health-card': reject(
    'SHC_ISSUER_UNKNOWN',
    'iss',
  ),
  'healthcard-file: test-example-00-e-file-multi-jws-issues.smart-health-card': {
    outcome: 'partial',
    cards: ['SHC_HEADER_ALG', 'accept'],
  },
  'healthcard-file: test-example-00-e-file-multi-jws.smart-health-card': ACCEPT,
  'healthcard-file: test-example-00-e-file-no_deflate.smart-health-card': reject(
    'SHC_HEADER_ZIP',
    'zip',
  ),
  'healthcard-file: test-example-00-e-file-trailing_chars.smart-health-card': {
    outcome: 'accept',
    note: 'conformance-error; whitespace around the file JSON is plain JSON whitespace',
  },
  'healthcard-file: test-example-00-e-file.wrong-extension': warn(['SHC_FILE_EXTENSION']),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt': reject(
    'SHC_QR_CHUNK_INDEX',
    'qr[0]',
  ),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-number-too-big.txt': reject(
    'SHC_QR_DIGIT_PAIR',
    'qr[0]',
  ),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-odd-count.txt': reject(
    'SHC_QR_ODD_DIGITS',
    'qr[0]',
  ),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt': warn(
    ['SHC_WHITESPACE_TRIMMED'],
    TRIMMED,
  ),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt': warn([
    'SHC_QR_SINGLE_CHUNK_PREFIX',
  ]),
  'qr-numeric: test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt': reject(
    'SHC_QR_FORMAT',
    'qr[0]',
  ),
  'qr-numeric: test-example-1195-byte-qrnumeric.txt': ACCEPT,
  'qr-numeric chunk set: test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt + example-02-f-qr-code-numeric-value-1.txt':
    reject('SHC_QR_CHUNK_INDEX', 'qr[0]'),
  'qr-numeric chunk set: test-example-00-f-qr-code-numeric-value-0-qr_chunk_too_small.txt + test-example-00-f-qr-code-numeric-value-1-qr_chunk_too_small.txt + 15 more':
    warn(['SHC_QR_CHUNKED']),
  'qr-numeric chunk set: test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt + test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt':
    warn(
      ['SHC_QR_CHUNKED', 'SHC_QR_TOO_LARGE'],
      'conformance-fail (chunks > 1191 chars, i.e. QR > V22): Vigil reads and warns',
    ),
  'qr-image: test-example-00-g-qr-code-0-bad_qr_version.png': IMAGE,
  'qr-image: test-example-00-g-qr-code-0-corrupted.png': IMAGE,
  'qr-image: test-example-00-g-qr-code-0-scaled-23.jpg': IMAGE,
  'qr-image: test-example-00-g-qr-code-0-scaled-85.jpg': IMAGE,
  'qr-image: test-example-00-g-qr-code-0-single_qr_segment.png': IMAGE,
  'qr-image: test-example-00-g-qr-code-0-too_many_qr_segment.png': IMAGE,
  'qr-image: test-example-00-g-qr-code-inflated-to-v22.png': IMAGE,
  'qr-image: test-invalid-jws-payload.png': IMAGE,
  'qr-image chunk set: test-example-00-g-qr-code-0-qr_chunk_too_small.png + test-example-00-g-qr-code-1-qr_chunk_too_small.png':
    IMAGE,
  'fhir-$health-cards-issue-response: test-example-00-fhirhealthcard.json': ACCEPT,
  'fhir-$health-cards-issue-response: test-example-00-fhirhealthcard-multi-jws.json': ACCEPT,
  'fhir-$health-cards-issue-response: test-example-00-fhirhealthcard-with-resource-link.json':
    ACCEPT,
  'jws: Scenario1Bundle-jws.txt': ACCEPT,
  'healthcard-file: Scenario1Bundle-file.smart-health-card': ACCEPT,
  'qr-numeric: Scenario1Bundle-qr-code-numeric-value-0.txt': ACCEPT,
  'qr-image: Scenario1Bundle-qr-code-0.png': IMAGE,
  'jwspayload: Scenario1Bundle-jws-payload-minified.json': ACCEPT,
  'jwspayload: Scenario1Bundle-jws-payload-expanded.json': ACCEPT,
  'jws: Scenario2Bundle-jws.txt': ACCEPT,
  'healthcard-file: Scenario2Bundle-file.smart-health-card': ACCEPT,
  'qr-numeric: Scenario2Bundle-qr-code-numeric-value-0.txt': ACCEPT,
  'qr-image: Scenario2Bundle-qr-code-0.png': IMAGE,
  'jwspayload: Scenario2Bundle-jws-payload-minified.json': ACCEPT,
  'jwspayload: Scenario2Bundle-jws-payload-expanded.json': ACCEPT,
  'jws: Scenario3Bundle-jws.txt': ACCEPT,
  'healthcard-file: Scenario3Bundle-file.smart-health-card': ACCEPT,
  'qr-numeric: Scenario3Bundle-qr-code-numeric-value-0.txt': ACCEPT,
  'qr-image: Scenario3Bundle-qr-code-0.png': IMAGE,
  'jwspayload: Scenario3Bundle-jws-payload-minified.json': ACCEPT,
  'jwspayload: Scenario3Bundle-jws-payload-expanded.json': ACCEPT,
  'jwkset: valid_key.json': { outcome: 'keyset-valid' },
  'jwkset: valid_keys.json': { outcome: 'keyset-valid' },
  'jwkset: valid_key_with_x5c.json': { outcome: 'keyset-valid' },
  'jwkset: valid_2_chain.public.json': { outcome: 'keyset-valid' },
  'jwkset: wrong_kid_key.json': { outcome: 'keyset-invalid', field: 'keys[0].kid' },
  'jwkset: wrong_curve_key.json': { outcome: 'keyset-invalid', field: 'keys[0].crv' },
  'jwkset: wrong_use_key.json': { outcome: 'keyset-invalid', field: 'keys[0].use' },
  'jwkset: wrong_alg_key.json': { outcome: 'keyset-invalid', field: 'keys[0].alg' },
  'jwkset: wrong_kty_key.json': { outcome: 'keyset-invalid', field: 'keys[0].kty' },
  'jwkset: private_key.json': { outcome: 'keyset-invalid', field: 'keys[0].d' },
  'jwkset: cert_mismatch.public.json': PKI,
  'jwkset: invalid_chain.public.json': PKI,
  'jwkset: invalid_DNS_SAN.public.json': PKI,
  'jwkset: invalid_no_SAN.public.json': PKI,
  'jwkset: issuer.jwks.public.not.smart.json': { outcome: 'keyset-valid' },
  'jwkset: jwks.json': { outcome: 'keyset-valid' },
}
