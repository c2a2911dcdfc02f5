/**
 * @module core/verify/verify-dcc
 * An EU Digital COVID Certificate (`HC1:` text) + trusted signer certificates + now → the same
 * Verdict a SMART Health Card gets, so the page, the server and the CLI show both alike. The
 * checks follow the core/dcc steps: format (prefix, Base45, zlib, COSE, CWT; then the schema,
 * once signed) → issuer (a trusted DSC with the kid, allowed by its key usage to sign the type) →
 * signature (ES256 or PS256) → expiry (iat, exp and the DSC at `now`) → revocation (the three
 * hash types) → rules (a country's EU business rules, when the venue chose one: core/certlogic).
 * EU DCCs are not in a Vigil ledger: those checks are skipped, as for an issuer that does not
 * anchor its cards.
 */
import { type DccRuleSet, dccExternal, dccRuleType, evaluateDccRules } from '../certlogic/index.ts'
import {
  ALG_ES256,
  type CoseSign1,
  checkDccKeyUsage,
  checkDccRevocation,
  checkDccSchema,
  checkDccTime,
  checkWhoHcert,
  DCC_CLOCK_SKEW_SECONDS,
  DccError,
  type DccPayload,
  type DccRevocationList,
  type DccSignatureVerify,
  type DccSigner,
  type DccTrust,
  type DecodedDcc,
  decodeHc1,
  kidOf,
  summariseDcc,
  verifyDccSignature,
  type WhoSummary,
} from '../dcc/index.ts'
import { decideVerdict } from './decide.ts'
import {
  CHECK_IDS,
  type Check,
  type CheckCode,
  type CheckId,
  type CheckResult,
  type DccFacts,
  RULES_CHECK_ID,
  type Verdict,
} from './types.ts'

/** A country's business rules to apply, as the venue chose them. */
export interface DccRulesOption {
  /** The parsed set, or why the set the device holds could not be read (DCC_RULES_INVALID). */
  readonly set: DccRuleSet | { readonly invalid: string }
  /** The verifier's language for the rule descriptions (`en`, `es`; English when absent). */
  readonly lang?: string
  /** A region of the country of arrival, for rules limited to one. */
  readonly region?: string
}

export interface DccVerifyOptions {
  /** Trusted signer certificates by kid (core/dcc signerFromDsc, dccTrust). */
  readonly trust: DccTrust
  /** POSIX seconds. */
  readonly now: number
  /** A trust list older than this many seconds makes the issuer and revocation `unknown`. */
  readonly maxAge?: number
  /** Revoked certificate hashes per signer kid and hash type (none: nothing is revoked). */
  readonly revoked?: DccRevocationList
  /** Allowed clock difference for `iat`, seconds (default DCC_CLOCK_SKEW_SECONDS). */
  readonly skew?: number
  /** The signature check (default WebCrypto; see core/dcc/signature.ts). */
  readonly verifySignature?: DccSignatureVerify
  /** A country's business rules (adds the `rules` check; none: no such check). */
  readonly rules?: DccRulesOption
}

function check(
  id: CheckId,
  result: CheckResult,
  code: CheckCode,
  message: string,
  extra: { asOf?: number | undefined; detail?: Record<string, string> } = {},
): Check {
  return {
    id,
    result,
    code,
    message,
    ...(extra.asOf === undefined ? {} : { asOf: extra.asOf }),
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
  }
}

const NOT_ANCHORED = 'EU DCC issuers do not record their certificates in a Vigil ledger'

/** Verifies one `HC1:` text. Never throws for a bad certificate. */
export async function verifyDcc(text: string, options: DccVerifyOptions): Promise<Verdict> {
  const { trust, now } = options
  const asOf = trust.asOf
  const checks = new Map<CheckId, Check>()
  const set = (c: Check) => checks.set(c.id, c)
  const warnings: string[] = []
  const finish = (dcc?: DccFacts, skipMessage = 'not checked'): Verdict => {
    for (const id of ['ledger', 'checkpoint', 'witnesses'] as const) {
      set(check(id, 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED', NOT_ANCHORED))
    }
    const ids: readonly CheckId[] =
      options.rules === undefined ? CHECK_IDS : [...CHECK_IDS, RULES_CHECK_ID]
    const list = ids.map(
      (id) => checks.get(id) ?? check(id, 'skipped', 'VERIFY_NOT_CHECKED', skipMessage),
    )
    return {
      ...decideVerdict(list),
      checks: list,
      ...(dcc === undefined ? {} : { dcc }),
      ...(asOf === undefined ? {} : { dataAsOf: asOf, dataAge: Math.max(0, now - asOf) }),
      warnings,
      now,
    }
  }
  const fail = (id: CheckId, err: unknown) => {
    if (!(err instanceof DccError)) {
      set(check(id, 'fail', 'VERIFY_UNEXPECTED', err instanceof Error ? err.message : String(err)))
      return
    }
    set(check(id, 'fail', err.code, err.message, { detail: { field: err.field ?? '' } }))
  }

  let decoded: DecodedDcc
  try {
    decoded = decodeHc1(text)
  } catch (err) {
    fail('format', err)
    return finish(undefined, 'not checked: the certificate could not be read')
  }
  const { cose, claims } = decoded
  set(check('format', 'pass', 'DCC_FORMAT_OK', 'an EU Digital COVID Certificate (HC1)'))

  const kid = kidOf(cose)
  const issuerDetail = { kid: kid ?? '', iss: claims.iss ?? '', country: claims.iss ?? '' }
  if (trust.signers.size === 0) {
    set(check('issuer', 'unknown', 'VERIFY_NO_TRUST', 'no trusted signer certificates are loaded'))
    return finish(undefined, 'not checked: no trust material')
  }
  let signer: DccSigner
  try {
    signer = await verifyDccSignature(cose, trust, options.verifySignature)
  } catch (err) {
    const code = err instanceof DccError ? err.code : undefined
    if (code === 'DCC_ALG' || code === 'DCC_SIGNATURE') {
      set(
        check('issuer', 'pass', 'DCC_SIGNER_TRUSTED', `a trusted signer has kid ${kid}`, {
          asOf,
          detail: issuerDetail,
        }),
      )
      fail('signature', err)
    } else {
      fail('issuer', err)
      const c = checks.get('issuer') as Check
      set({ ...c, asOf, detail: { ...c.detail, ...issuerDetail } })
    }
    return finish(undefined, 'not checked: the signature was not verified')
  }
  const stale = options.maxAge !== undefined && asOf !== undefined && now - asOf > options.maxAge
  const signerDetail = { ...issuerDetail, country: signer.country ?? claims.iss ?? '' }
  const alg = cose.alg === ALG_ES256 ? 'ES256' : 'PS256'
  set(
    check('signature', 'pass', 'DCC_SIGNATURE_VALID', `${alg} signature valid`, {
      detail: { kid: signer.kid, alg },
    }),
  )

  let payload: DccPayload | undefined
  const who: WhoSummary[] = []
  try {
    // The EU DCC when there is one; the WHO claims (DDCC, ICVP) beside or instead of it.
    if (claims.dcc !== undefined) payload = checkDccSchema(claims.dcc)
    for (const h of claims.who) who.push(checkWhoHcert(h))
  } catch (err) {
    payload = undefined
    who.length = 0
    fail('format', err)
  }

  if (payload !== undefined) {
    try {
      checkDccKeyUsage(payload.type, signer.eku)
    } catch (err) {
      fail('issuer', err)
    }
  }
  if (!checks.has('issuer')) {
    if (stale) {
      set(
        check('issuer', 'unknown', 'VERIFY_DATA_STALE', 'the trusted signer list is too old', {
          asOf,
          detail: signerDetail,
        }),
      )
    } else {
      set(
        check(
          'issuer',
          'pass',
          'DCC_SIGNER_TRUSTED',
          `signed by a trusted key of ${signerDetail.country}`,
          {
            asOf,
            detail: signerDetail,
          },
        ),
      )
    }
  }

  try {
    warnings.push(...checkDccTime(claims, signer, now, options.skew ?? DCC_CLOCK_SKEW_SECONDS))
    set(
      check('expiry', 'pass', 'DCC_NOT_EXPIRED', 'not expired', {
        asOf: now,
        detail: { exp: String(claims.exp), iat: String(claims.iat) },
      }),
    )
  } catch (err) {
    fail('expiry', err)
    const c = checks.get('expiry') as Check
    set({ ...c, asOf: now, detail: { ...c.detail, exp: String(claims.exp) } })
  }

  set(await revocationCheck(cose, decoded, signer, payload, options, stale))
  if (options.rules !== undefined && payload !== undefined && claims.dcc !== undefined) {
    set(rulesCheck(options.rules, claims.dcc, { ...claims, kid: signer.kid }, now))
  } else if (options.rules !== undefined && claims.dcc === undefined && who.length > 0) {
    set(check(RULES_CHECK_ID, 'skipped', 'VERIFY_NOT_CHECKED', 'EU entry rules read EU DCCs only'))
  }

  return finish({
    country: claims.iss,
    kid: signer.kid,
    iat: claims.iat,
    exp: claims.exp,
    alg,
    ...(payload === undefined ? {} : { type: payload.type, summary: summariseDcc(payload) }),
    ...(who.length === 0 ? {} : { who }),
    ...(signer.country === undefined ? {} : { signerCountry: signer.country }),
  })
}

async function revocationCheck(
  cose: CoseSign1,
  decoded: DecodedDcc,
  signer: DccSigner,
  payload: DccPayload | undefined,
  options: DccVerifyOptions,
  stale: boolean,
): Promise<Check> {
  const asOf = options.trust.asOf
  const revoked = options.revoked
  const ci = payload?.entry.ci
  let outcome: Check
  if (revoked === undefined) {
    outcome = check('revocation', 'pass', 'DCC_NO_REVOCATION_LIST', 'no revocation list loaded', {
      asOf,
    })
  } else {
    try {
      const types = await checkDccRevocation(
        {
          kid: signer.kid,
          iss: decoded.claims.iss,
          // A payload the schema refused has no trusted UCI: its signature is still hashed.
          uci: typeof ci === 'string' ? ci : undefined,
          signature: cose.signature,
          keyType: signer.keyType,
        },
        revoked,
      )
      outcome =
        types.length === 0
          ? check('revocation', 'pass', 'DCC_NO_REVOCATION_LIST', 'no list for this signer', {
              asOf,
            })
          : check('revocation', 'pass', 'DCC_NOT_REVOKED', 'not on the revocation list', {
              asOf,
              detail: { hashTypes: types.join(',') },
            })
    } catch (err) {
      if (!(err instanceof DccError)) throw err
      return check('revocation', 'fail', err.code, err.message, {
        asOf,
        detail: { hashType: err.field ?? '' },
      })
    }
  }
  // A stale list cannot vouch that a certificate is not revoked; it still proves one that is.
  if (stale) {
    return check('revocation', 'unknown', 'VERIFY_DATA_STALE', 'the revocation list is too old', {
      asOf,
    })
  }
  return outcome
}

/**
 * The `rules` check: the country's rules that apply to this certificate, evaluated over the
 * signed payload as it is (the JSON the rules' AffectedFields name) and the EU apps' `external`
 * context. Fails on the first rule (by Identifier) not met, naming it and its description.
 */
function rulesCheck(
  option: DccRulesOption,
  payload: Readonly<Record<string, unknown>>,
  claims: { iss: string | undefined; iat: number; exp: number; kid: string },
  now: number,
): Check {
  const { set } = option
  if ('invalid' in set) {
    return check(RULES_CHECK_ID, 'unknown', 'DCC_RULES_INVALID', set.invalid)
  }
  const certificateType = dccRuleType(payload)
  if (certificateType === undefined) {
    return check(
      RULES_CHECK_ID,
      'skipped',
      'VERIFY_NOT_CHECKED',
      'not a vaccination, test or recovery',
    )
  }
  const external = dccExternal({
    now,
    country: set.country,
    exp: claims.exp,
    iat: claims.iat,
    issuerCountry: claims.iss,
    kid: claims.kid,
    region: option.region,
    valueSets: set.valueSets,
  })
  const result = evaluateDccRules(set, {
    payload,
    external,
    certificateType,
    ...(option.lang === undefined ? {} : { lang: option.lang }),
  })
  const base = {
    country: set.country,
    ...(set.release === undefined ? {} : { release: set.release }),
  }
  switch (result.code) {
    case 'DCC_RULES_NONE':
      return check(RULES_CHECK_ID, 'unknown', 'DCC_RULES_NONE', `no rules for ${set.country}`, {
        detail: base,
      })
    case 'DCC_RULES_PASSED':
      return check(
        RULES_CHECK_ID,
        'pass',
        'DCC_RULES_PASSED',
        `meets the ${result.outcomes.length} rule(s) of ${set.country}`,
        { detail: { ...base, count: String(result.outcomes.length) } },
      )
    default: {
      const failed = result.failed
      const rule = failed?.identifier ?? ''
      const desc = failed?.description ?? ''
      const why = failed?.error === undefined ? '' : ` (could not be evaluated: ${failed.error})`
      return check(RULES_CHECK_ID, 'fail', result.code, `rule ${rule} not met: ${desc}${why}`, {
        detail: { ...base, rule, desc, version: failed?.version ?? '' },
      })
    }
  }
}
