/**
 * @module core/verify/verify-dcc
 * An EU Digital COVID Certificate (`HC1:` text) + trusted signer certificates + now → the same
 * Verdict a SMART Health Card gets, so the page, the server and the CLI show both alike. The
 * checks follow the core/dcc steps: format (prefix, Base45, zlib, COSE, CWT; then the schema,
 * once signed) → issuer (a trusted DSC with the kid, allowed by its key usage to sign the type) →
 * signature (ES256 or PS256) → expiry (iat, exp and the DSC at `now`) → revocation (the three
 * hash types). EU DCCs are not in a Vigil ledger: those checks are skipped, as for an issuer
 * that does not anchor its cards.
 */
import {
  ALG_ES256,
  type CoseSign1,
  checkDccKeyUsage,
  checkDccRevocation,
  checkDccSchema,
  checkDccTime,
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
} from '../dcc/index.ts'
import { decideVerdict } from './decide.ts'
import {
  CHECK_IDS,
  type Check,
  type CheckCode,
  type CheckId,
  type CheckResult,
  type DccFacts,
  type Verdict,
} from './types.ts'

/**
 * The business rules' input: the payload and the `external` data context the EU apps give
 * CertLogic (dcc.md §7; names from the EU Android engine), for the rules unit to evaluate.
 */
export interface DccRulesInput {
  readonly payload: Readonly<Record<string, unknown>>
  readonly external: {
    readonly validationClock: string
    readonly issuerCountryCode: string | undefined
    readonly kid: string
    readonly iat: number
    readonly exp: number
  }
}

/** What the rules said: like the SHC entry rules, apart from the verdict (the page shows it). */
export interface DccRulesOutcome {
  readonly result: 'pass' | 'fail' | 'unknown'
  /** The rules that failed (or could not be evaluated), by identifier, in plain words. */
  readonly failed?: readonly { readonly id: string; readonly description: string }[]
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
  /**
   * The seam for CertLogic business rules (another unit): called once the signature verified and
   * the schema held; its outcome is `verdict.dcc.rules`.
   */
  readonly rules?: (input: DccRulesInput) => DccRulesOutcome | Promise<DccRulesOutcome>
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
    const list = CHECK_IDS.map(
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
  try {
    payload = checkDccSchema(claims.dcc)
  } catch (err) {
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

  const rules =
    payload === undefined || options.rules === undefined
      ? undefined
      : await options.rules({
          payload: claims.dcc,
          external: {
            validationClock: new Date(now * 1000).toISOString(),
            issuerCountryCode: claims.iss,
            kid: signer.kid,
            iat: claims.iat,
            exp: claims.exp,
          },
        })

  return finish({
    ...(rules === undefined ? {} : { rules }),
    country: claims.iss,
    kid: signer.kid,
    iat: claims.iat,
    exp: claims.exp,
    alg,
    ...(payload === undefined ? {} : { type: payload.type, summary: summariseDcc(payload) }),
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
