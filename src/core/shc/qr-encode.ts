/**
 * @module core/shc/qr-encode
 * Issuer side of SHC QR codes (SHC 1.4 §Encoding QRs; smart-on-fhir/health-cards FAQ/qr.md).
 * Vigil never emits chunked `shc:/C/N/` sets (deprecated since 1.3.0): a card must fit one QR of
 * version ≤ 22 at the chosen error-correction level, else SHC_TOO_LARGE (§Chunking Larger SHCs;
 * use SMART Health Links).
 */
import { ShcError } from './errors.ts'
import { MAX_QR_JWS_LENGTH, type QrErrorCorrection } from './limits.ts'
import { encodeQrDigits } from './qr-numeric.ts'

export const SHC_QR_PREFIX = 'shc:/'

/** A segment for the `qrcode` library: exactly two, byte `shc:/` then numeric digits. */
export interface QrSegment {
  readonly data: string
  readonly mode: 'byte' | 'numeric'
}

export function assertFitsSingleQr(jws: string, ecc: QrErrorCorrection = 'L'): void {
  const max = MAX_QR_JWS_LENGTH[ecc]
  if (jws.length > max) {
    throw new ShcError(
      'SHC_TOO_LARGE',
      `JWS of ${jws.length} characters exceeds ${max}, the QR version 22 limit at level ${ecc}`,
      { field: 'jws' },
    )
  }
}

/** The QR text `shc:/<digits>` of one card. */
export function encodeShcQr(jws: string, ecc: QrErrorCorrection = 'L'): string {
  assertFitsSingleQr(jws, ecc)
  return SHC_QR_PREFIX + encodeQrDigits(jws)
}

/**
 * Segments to render with `qrcode` (pass `errorCorrectionLevel` = `ecc` and no fixed version, so
 * the smallest version that fits is used: a forced V22 earns a warning).
 */
export function createShcQrSegments(jws: string, ecc: QrErrorCorrection = 'L'): QrSegment[] {
  assertFitsSingleQr(jws, ecc)
  return [
    { data: SHC_QR_PREFIX, mode: 'byte' },
    { data: encodeQrDigits(jws), mode: 'numeric' },
  ]
}
