/**
 * @module services/trust/passport
 * The citizen's passport page (`/passport/{id}`) reads its credential with a capability, not a
 * role: the link the issuer hands over is `/passport/{id}#k=<key>`, where
 *   key = base64url(first 128 bits of HMAC-SHA-256(secret, "passport/v1/" ‖ id))
 * and the secret is derived from the master key (`keys.deriveSecret('passport-link')`). Nothing
 * is stored: the key is recomputed and compared in constant time. It sits in the URL fragment,
 * so browsers never send it with the page request or a referrer; the page sends it in a header
 * to the one JSON endpoint. A wrong key and an unknown id both answer 404. Erasing the personal
 * data (410 afterwards) ends the link; a new master key would end every link.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { PassportView } from '../../core/api-types/index.ts'
import { equalBytes, toBase64Url, utf8 } from '../../core/codec/index.ts'
import { summarise } from '../../core/fhir/index.ts'
import { formatTlogProof } from '../../core/note/index.ts'
import {
  decodeShcPayload,
  encodeShcQr,
  MAX_QR_JWS_LENGTH,
  parseShcJws,
} from '../../core/shc/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { getCredential, readPersonalData, renderQrSvg } from '../credentials/index.ts'
import { inclusionProof, latestCheckpoint } from '../ledger/index.ts'
import { selfIssuerName } from './material.ts'

/** The header the passport page sends its key in (never a query: URLs end up in logs). */
export const PASSPORT_KEY_HEADER = 'x-vigil-passport-key'
const KEY_BYTES = 16

export async function passportKey(ctx: ServiceContext, id: string): Promise<string> {
  const secret = await ctx.keys.deriveSecret('passport-link')
  return toBase64Url(hmac(sha256, secret, utf8(`passport/v1/${id}`)).subarray(0, KEY_BYTES))
}

/** The link the issuer hands to the citizen (issuer role). */
export async function passportLink(
  ctx: ServiceContext,
  id: string,
): Promise<{ id: string; url: string }> {
  await getCredential(ctx, id)
  return { id, url: await passportUrl(ctx, id) }
}

/** The link for a credential the caller knows exists (one it has just issued). */
export async function passportUrl(ctx: ServiceContext, id: string): Promise<string> {
  return `${ctx.config.publicUrl}/passport/${id}#k=${await passportKey(ctx, id)}`
}

/** The JSON the passport page reads: declared in core, where the page imports it too. */
export type { PassportView }

async function checkKey(ctx: ServiceContext, id: string, key: string | undefined) {
  const expected = utf8(await passportKey(ctx, id))
  if (key === undefined || !equalBytes(utf8(key), expected)) {
    throw new ServiceError('NOT_FOUND', `no passport ${id} for this link`, { field: 'id' })
  }
}

/** The passport page's data, for the holder of the link's `key` (NOT_FOUND for a wrong one). */
export async function readPassport(
  ctx: ServiceContext,
  { id, key }: { id: string; key: string | undefined },
): Promise<PassportView> {
  await checkKey(ctx, id, key)
  const row = await getCredential(ctx, id)
  const personal = await readPersonalData(ctx, id)
  if (personal === undefined) {
    throw new ServiceError('GONE', 'the personal data of this credential has been erased', {
      field: 'id',
    })
  }
  const { jws } = personal
  const { claims } = await decodeShcPayload(parseShcJws(jws).deflated)
  const vc = claims.vc as { credentialSubject: { fhirBundle: unknown } }
  const latest = await latestCheckpoint(ctx)
  const receipt =
    row.leafIndex < latest.size
      ? formatTlogProof({
          index: row.leafIndex,
          proof: (await inclusionProof(ctx, { index: row.leafIndex, size: latest.size })).proof,
          checkpoint: latest.note,
        })
      : null
  return {
    id,
    kind: row.kind,
    status: row.status,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    replacedBy: row.replacedBy,
    // The iss the card carries: earlier cards keep theirs after a change of URL.
    issuer: { iss: String(claims.iss), name: selfIssuerName(String(claims.iss)) },
    issuedAt: Number(claims.nbf),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
    jws,
    // SHC 1.4: a card that does not fit one QR is shared as a SMART Health Link, never chunked.
    ...(jws.length <= MAX_QR_JWS_LENGTH.L
      ? { qr: encodeShcQr(jws), svg: await renderQrSvg(jws) }
      : { qr: null, svg: null }),
    summary: summarise(vc.credentialSubject.fhirBundle),
    leafIndex: String(row.leafIndex),
    receipt,
  }
}
