/**
 * @module services/credentials/issue
 * Issuing one credential: FHIR bundle → SMART Health Card (ES256, zip DEF, rid) → its SHA-256
 * appended to the ledger → then, in one transaction (shared with concurrent issuances, see
 * write.ts), the public row, the sealed personal data, the de-identified facts with
 * their rollup cells (surveillance/facts.ts) and the audit row.
 * The 201 comes only after the ledger has the commitment in a signed checkpoint. A batch row key
 * makes re-runs idempotent.
 */
import { eq } from 'drizzle-orm'
import { sha256 } from '../../core/codec/index.ts'
import { roundToHour } from '../../core/leaf/index.ts'
import {
  computeRid,
  encodeShcQr,
  issueShc,
  MAX_QR_JWS_LENGTH,
  ShcError,
} from '../../core/shc/index.ts'
import { auditRow } from '../../platform/audit-trail/index.ts'
import { requireActor, type ServiceContext } from '../../platform/context/index.ts'
import { credentials } from '../../platform/db/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import { buildBundle, deidentifyInput } from './bundle.ts'
import type { CredentialInput } from './input.ts'
import { isLoopbackIssuer, issuerSigner } from './issuer.ts'
import { readPersonalData, sealPersonalData } from './personal-data.ts'
import { searchKey } from './search-key.ts'
import { writeIssuance } from './write.ts'

export interface IssuedCredential {
  id: string
  kind: 'immunization' | 'test'
  jws: string
  /**
   * `shc:/…` numeric QR text; null for a card longer than one QR holds (SHC 1.4: 1,195 JWS
   * characters), which the holder shares as a SMART Health Link instead (docs/SHL.md).
   */
  qr: string | null
  leafIndex: bigint
  /** c2sp.org/tlog-proof@v1 receipt of the ledger entry. */
  receipt: string
  /** True when a batch row key found an earlier issuance (nothing new was issued). */
  existing: boolean
}

/**
 * Longest card issued. A long vaccination history (about 16 doses and up) no longer fits one QR;
 * SHC 1.4 says such a card travels as a SMART Health Link, not as the deprecated chunked QRs.
 * The bound keeps a card a small file.
 */
export const MAX_ISSUED_JWS_LENGTH = 8192

/** The QR text of a card that fits one code, else null (it is shared as a link). */
export const qrOf = (jws: string): string | null =>
  jws !== '' && jws.length <= MAX_QR_JWS_LENGTH.L ? encodeShcQr(jws) : null

export interface IssueOptions {
  /** SHA-256 of (source, row key) for idempotent batch imports. */
  importKey?: Uint8Array
  /** The credential this one corrects (re-issue). */
  replaces?: string
}

/** Issues one credential for the context's actor; resolves once its entry is in the ledger. */
export function issueCredential(
  ctx: ServiceContext,
  input: CredentialInput,
): Promise<IssuedCredential> {
  return issueWith(ctx, input, {})
}

/** issueCredential for a batch row (idempotent by its import key) or a correction. */
export async function issueWith(
  ctx: ServiceContext,
  input: CredentialInput,
  options: IssueOptions,
): Promise<IssuedCredential> {
  const actor = requireActor(ctx)
  if (options.importKey !== undefined) {
    const found = await findImported(ctx, options.importKey)
    if (found !== undefined) return found
  }
  const now = ctx.clock.now()
  const bundle = buildBundle(input, now)
  const signer = await issuerSigner(ctx)
  const id = uuidFrom(ctx.random(16))
  const nbf = Math.floor(now.getTime() / 1000)
  const exp = input.validDays === undefined ? undefined : nbf + input.validDays * 86_400
  const rid = computeRid(signer.kid, id, signer.ridSecret)
  const jws = await issueShc({
    bundle,
    iss: signer.iss,
    nbf,
    ...(exp === undefined ? {} : { exp }),
    rid,
    keyPair: signer.keyPair,
    allowLoopbackHttp: isLoopbackIssuer(signer.iss),
  })
  if (jws.length > MAX_ISSUED_JWS_LENGTH) {
    throw new ShcError(
      'SHC_TOO_LARGE',
      `the card is ${jws.length} characters, over ${MAX_ISSUED_JWS_LENGTH}`,
    )
  }
  const jwsHash = await sha256(new TextEncoder().encode(jws))
  // Sealing needs only the card, so it runs while the ledger integrates.
  const [[logged], personal, key] = await Promise.all([
    ctx.ledger.append([
      { kind: 'credential', artefactHash: jwsHash, keyId: signer.kid, time: roundToHour(nbf) },
    ]),
    sealPersonalData(ctx, { credentialId: id, record: { input, jws } }),
    searchKey(ctx, input.patient),
  ])
  if (logged === undefined) throw new Error('ledger returned no entry')
  await writeIssuance(ctx.db, {
    credential: {
      id,
      kind: input.type,
      issuerKid: signer.kid,
      jwsHash,
      leafIndex: logged.index,
      rid,
      nbf,
      importKey: options.importKey,
      replaces: options.replaces,
      issuedBy: `${actor.kind}:${actor.id}`,
    },
    personal: { ...personal, searchKey: key },
    // A correction re-issues what was already counted: its facts would count twice.
    facts: options.replaces === undefined ? deidentifyInput(input, now) : [],
    audit: auditRow(
      ctx,
      options.replaces === undefined
        ? { action: 'credential.issue', targetId: id }
        : { action: 'credential.reissue', targetId: id, detail: { replaces: options.replaces } },
    ),
  })
  return {
    id,
    kind: input.type,
    jws,
    qr: qrOf(jws),
    leafIndex: logged.index,
    receipt: logged.receipt,
    existing: false,
  }
}

async function findImported(
  ctx: ServiceContext,
  importKey: Uint8Array,
): Promise<IssuedCredential | undefined> {
  const [row] = await ctx.db.select().from(credentials).where(eq(credentials.importKey, importKey))
  if (row === undefined) return undefined
  const personal = await readPersonalData(ctx, row.id)
  const jws = personal?.jws ?? ''
  return {
    id: row.id,
    kind: row.kind as IssuedCredential['kind'],
    jws,
    qr: qrOf(jws),
    leafIndex: row.leafIndex,
    receipt: '',
    existing: true,
  }
}
