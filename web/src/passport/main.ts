/**
 * The citizen's passport page (/passport/{id}#k=<key>): the link the issuer hands over carries a
 * capability in its fragment (never sent with the page request); the page sends it in a header
 * to /api/passport/{id}. It shows the QR large enough to scan from a phone screen, offers the
 * `.smart-health-card` file and a PNG of the QR, prints on one page, and checks the ledger
 * receipt here in the browser against the log's signed checkpoint.
 */
import type { PassportView } from '../../../src/core/api-types/index.ts'
import { readVigilExtensions } from '../../../src/core/checkpoint/index.ts'
import { fromBase64Url, fromUtf8 } from '../../../src/core/codec/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import { verifyTlogProof } from '../../../src/core/note/index.ts'
import { createHealthCardFile, SHC_FILE_MEDIA_TYPE } from '../../../src/core/shc/index.ts'
import { credentialLeafHash, openTrustMaterial } from '../../../src/core/verify/index.ts'
import { byId, downloadBlob } from '../dom.ts'
import {
  formatDate,
  formatFhirDate,
  formatTime,
  initI18n,
  mountLanguageSwitch,
  onLangChange,
  t,
} from '../i18n/index.ts'
import { entryItem } from '../verify/view.ts'
import { mountShare } from './share.ts'

type ReceiptState =
  | { kind: 'checking' }
  | { kind: 'ok'; index: string; size: string; time: number | undefined }
  | { kind: 'bad'; error: string }
  | { kind: 'none' }

initI18n()
mountLanguageSwitch(byId('lang-switch'))

const status = byId('status')
let view: PassportView | undefined
let receipt: ReceiptState = { kind: 'checking' }
let failure: (() => string) | undefined

function render(): void {
  if (failure !== undefined) {
    status.textContent = failure()
    status.dataset.state = 'bad'
    return
  }
  if (view === undefined) return
  const v = view
  status.textContent = ''
  status.hidden = true
  byId('holder-name').textContent = v.summary.name
  byId('holder-birth').textContent = formatFhirDate(v.summary.birthDate)
  byId('holder-entries').replaceChildren(...v.summary.entries.map(entryItem))
  byId('issued').textContent = t('passport.issued', {
    date: formatDate(v.issuedAt),
    issuer: v.issuer.name,
  })
  const expires = byId('expires')
  expires.hidden = v.expiresAt === null
  if (v.expiresAt !== null)
    expires.textContent = t('passport.expires', { date: formatDate(v.expiresAt) })
  const revoked = byId('revoked')
  revoked.hidden = v.status !== 'revoked'
  revoked.textContent =
    v.status === 'revoked'
      ? `${t('passport.revoked')}${v.replacedBy === null ? '' : ` ${t('passport.replaced')}`}`
      : ''
  byId<HTMLImageElement>('qr').alt = `${t('passport.qrAlt')}: ${v.summary.name}`
  const rs = byId('receipt-status')
  rs.dataset.state = receipt.kind
  rs.textContent =
    receipt.kind === 'checking'
      ? t('passport.receipt.checking')
      : receipt.kind === 'ok'
        ? `✓ ${t('passport.receipt.ok', {
            index: receipt.index,
            size: receipt.size,
            time: receipt.time === undefined ? '' : formatTime(receipt.time),
          })}`
        : receipt.kind === 'bad'
          ? `✗ ${t('passport.receipt.bad', { error: receipt.error })}`
          : t('passport.receipt.none')
  byId('download-receipt').hidden = v.receipt === null
}

onLangChange(render)

/** Checks the tlog-proof receipt against the log key and witness policy this site publishes. */
async function checkReceipt(v: PassportView): Promise<ReceiptState> {
  if (v.receipt === null) return { kind: 'none' }
  try {
    const [h = ''] = v.jws.split('.')
    const { kid } = JSON.parse(fromUtf8(fromBase64Url(h))) as { kid: string }
    const leaf = await credentialLeafHash(v.jws, kid, v.issuedAt)
    const [vkey, jws] = await Promise.all([
      createLogClient('', (url) => fetch(url)).key(),
      fetch('/trust/material').then((r) => r.text()),
    ])
    const material = await openTrustMaterial(jws, vkey)
    const proof = await verifyTlogProof(v.receipt, leaf, material.policyValue, {
      origin: material.log.origin,
    })
    return {
      kind: 'ok',
      index: proof.index.toString(),
      size: proof.checkpoint.size.toString(),
      time: readVigilExtensions(proof.checkpoint).time,
    }
  } catch (err) {
    const code = err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : ''
    return { kind: 'bad', error: code || (err instanceof Error ? err.message : String(err)) }
  }
}

function pngOf(svg: string): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }))
    img.onload = () => {
      const size = 1024
      const canvas = document.createElement('canvas')
      canvas.width = size
      canvas.height = size
      const ctx = canvas.getContext('2d')
      if (ctx === null) return reject(new Error('no canvas'))
      ctx.fillStyle = '#fff'
      ctx.fillRect(0, 0, size, size)
      ctx.imageSmoothingEnabled = false
      ctx.drawImage(img, 0, 0, size, size)
      URL.revokeObjectURL(url)
      canvas.toBlob(
        (blob) => (blob === null ? reject(new Error('no PNG')) : resolve(blob)),
        'image/png',
      )
    }
    img.onerror = () => reject(new Error('the QR image did not load'))
    img.src = url
  })
}

async function load(): Promise<void> {
  const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '')
  const key = new URLSearchParams(location.hash.slice(1)).get('k')
  if (key === null || key === '') {
    failure = () => t('passport.noKey')
    return render()
  }
  let res: Response
  try {
    res = await fetch(`/api/passport/${encodeURIComponent(id)}`, {
      headers: { 'x-vigil-passport-key': key, accept: 'application/json' },
      cache: 'no-store',
    })
  } catch (err) {
    failure = () => t('passport.error', { error: err instanceof Error ? err.message : String(err) })
    return render()
  }
  if (res.status === 404 || res.status === 400) {
    failure = () => t('passport.notFound')
    return render()
  }
  if (res.status === 410) {
    failure = () => t('passport.gone')
    return render()
  }
  if (!res.ok) {
    failure = () => t('passport.error', { error: `HTTP ${res.status}` })
    return render()
  }
  const v = (await res.json()) as PassportView
  view = v
  if (v.svg === null) {
    // SHC 1.4: a card longer than one QR holds is shared as a SMART Health Link (share.ts).
    byId('qr-figure').hidden = true
    byId('download-png').hidden = true
    byId('too-long').hidden = false
  } else {
    byId<HTMLImageElement>('qr').src = URL.createObjectURL(
      new Blob([v.svg], { type: 'image/svg+xml' }),
    )
  }
  byId('card').hidden = false
  byId('downloads').hidden = false
  byId('receipt').hidden = false
  render()
  byId('download-file').addEventListener('click', () =>
    downloadBlob(
      'health-card.smart-health-card',
      new Blob([createHealthCardFile([v.jws])], { type: SHC_FILE_MEDIA_TYPE }),
    ),
  )
  byId('download-png').addEventListener('click', async () => {
    if (v.svg !== null) downloadBlob('health-card-qr.png', await pngOf(v.svg))
  })
  byId('print').addEventListener('click', () => window.print())
  byId('download-receipt').addEventListener('click', () => {
    if (v.receipt !== null)
      downloadBlob('health-card-receipt.txt', new Blob([v.receipt], { type: 'text/plain' }))
  })
  void mountShare(id, key)
  receipt = await checkReceipt(v)
  render()
}

void load()
