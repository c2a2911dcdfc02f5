/**
 * @module services/credentials/render
 * What a citizen receives: the QR (SVG or PNG, two segments — byte `shc:/` then numeric — at
 * error correction L, SHC 1.4 §Encoding QRs), the `.smart-health-card` file, and a printable
 * passport page.
 */
import QRCode from 'qrcode'
import { summarise } from '../../core/fhir/index.ts'
import {
  createHealthCardFile,
  createShcQrSegments,
  MAX_QR_JWS_LENGTH,
} from '../../core/shc/index.ts'

const QR_OPTIONS = { errorCorrectionLevel: 'L', margin: 2 } as const

export function renderQrSvg(jws: string): Promise<string> {
  return QRCode.toString(createShcQrSegments(jws, 'L') as never, { ...QR_OPTIONS, type: 'svg' })
}

export async function renderQrPng(jws: string): Promise<Uint8Array> {
  const buffer = await QRCode.toBuffer(createShcQrSegments(jws, 'L') as never, {
    ...QR_OPTIONS,
    type: 'png',
    scale: 4,
  })
  return new Uint8Array(buffer)
}

export function renderCardFile(jws: string): string {
  return createHealthCardFile([jws])
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** A printable page: the QR at 40 mm (SHC's target size) beside what it says. */
export async function renderPassportPage(
  jws: string,
  bundle: unknown,
  issuer: string,
): Promise<string> {
  // A card longer than one QR holds is printed without one: it is shared as a health link.
  const fits = jws.length <= MAX_QR_JWS_LENGTH.L
  const qr = fits
    ? `<div class="qr" role="img" aria-label="QR code of the health card">${await renderQrSvg(jws)}</div>`
    : '<p class="qr"><strong>This record is too long for one QR code.</strong> Share it as a SMART Health Link from your passport page: any SMART Health Links app opens it.</p>'
  const s = summarise(bundle as never)
  const items = s.entries
    .map((e) =>
      e.kind === 'immunization'
        ? `<li>${esc(e.display)} — ${esc(e.date)}${e.lot ? ` (lot ${esc(e.lot)})` : ''}</li>`
        : `<li>${esc(e.display)}: <strong>${esc(e.resultDisplay)}</strong> — ${esc(e.date)}</li>`,
    )
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Health card — ${esc(s.name)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:1.5rem auto;padding:0 1rem}
.card{display:flex;gap:1.5rem;align-items:flex-start;border:1px solid #888;border-radius:8px;padding:1rem}
.qr svg{width:40mm;height:40mm}p.qr{max-width:40mm}@media print{.noprint{display:none}}</style></head>
<body><main><h1>SMART Health Card</h1><div class="card">${qr}
<div><p><strong>${esc(s.name)}</strong><br>Born ${esc(s.birthDate)}</p><ul>${items}</ul>
<p>Issued by ${esc(issuer)}. Any SMART Health Card app can read this code; Vigil's verifier also checks that it is in the public ledger.</p></div></div>
<p class="noprint">Print this page, or save the QR code. Keep it private: the code contains your name and date of birth.</p></main></body></html>`
}
