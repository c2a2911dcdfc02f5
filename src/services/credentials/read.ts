/** Reading a credential: its public status row, and its renderings from the sealed record. */
import { eq } from 'drizzle-orm'
import { decodeShcPayload, MAX_QR_JWS_LENGTH, parseShcJws } from '../../core/shc/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { credentials } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { readPersonalData } from './personal-data.ts'
import { renderCardFile, renderPassportPage, renderQrPng, renderQrSvg } from './render.ts'

/** The public status row of credential `id` (no personal data). */
export async function getCredential(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db.select().from(credentials).where(eq(credentials.id, id))
  if (row === undefined) throw new ServiceError('NOT_FOUND', `no credential ${id}`, { field: 'id' })
  const { importKey: _, ...rest } = row
  return rest
}

export type Rendering = 'qr.svg' | 'qr.png' | 'card.smart-health-card' | 'passport'

/** What the citizen receives, rendered from the sealed record; GONE once it is erased. */
export async function renderCredential(
  ctx: ServiceContext,
  { id, rendering }: { id: string; rendering: Rendering },
): Promise<string | Uint8Array> {
  await getCredential(ctx, id)
  const personal = await readPersonalData(ctx, id)
  if (personal === undefined) {
    throw new ServiceError('GONE', `the personal data of ${id} has been erased`, { field: 'id' })
  }
  const jws = personal.jws
  // SHC 1.4 §Encoding QRs: longer than one V22 QR at level L, the card travels as a SMART Health
  // Link (the citizen makes one from the passport page), never as a chunked or unscannable code.
  if ((rendering === 'qr.svg' || rendering === 'qr.png') && jws.length > MAX_QR_JWS_LENGTH.L) {
    throw new ServiceError(
      'QR_TOO_LONG',
      `the card of ${id} is ${jws.length} characters, more than one QR holds (${MAX_QR_JWS_LENGTH.L}): share it as a SMART Health Link from the passport page`,
      { field: 'id' },
    )
  }
  switch (rendering) {
    case 'qr.svg':
      return renderQrSvg(jws)
    case 'qr.png':
      return renderQrPng(jws)
    case 'card.smart-health-card':
      return renderCardFile(jws)
    case 'passport': {
      const { deflated } = parseShcJws(jws)
      const { claims } = await decodeShcPayload(deflated)
      const vc = claims.vc as { credentialSubject: { fhirBundle: unknown } }
      return renderPassportPage(jws, vc.credentialSubject.fhirBundle, ctx.config.publicUrl)
    }
  }
}
