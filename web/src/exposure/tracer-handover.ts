/**
 * Handing a code to the person: a message in their language (English or Spanish, chosen apart
 * from the page's) with the long code and a link to the report page carrying it in the fragment,
 * copy buttons, and the link's QR (drawn by the server, shown from a blob URL).
 */
import type { CodeHandover, IssuedCode } from '../../../src/core/api-types/index.ts'
import { en, type MessageKey } from '../i18n/en.ts'
import { es } from '../i18n/es.ts'
import { t } from '../i18n/index.ts'
import { describe } from '../staff/api.ts'
import { byId } from '../staff/dom.ts'
import { postJson, say } from './tracer-words.ts'

const message = byId<HTMLTextAreaElement>('message')
const messageLang = byId<HTMLSelectElement>('message-lang')
const copyStatus = byId('copy-status')
const qr = byId<HTMLImageElement>('handover-qr')
const link = byId<HTMLAnchorElement>('handover-link')
let current: { issued: IssuedCode; testType: string; link: string } | undefined
let qrUrl: string | undefined

function compose(): void {
  if (current === undefined) return
  const lang = messageLang.value === 'es' ? 'es' : 'en'
  const words: Record<MessageKey, string> = lang === 'es' ? es : en
  const until = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(
    new Date(current.issued.longExpiresAt),
  )
  const type = words[`tracer.tt.${current.testType}` as MessageKey] ?? current.testType
  message.value = words['tracer.msg']
    .replace('{type}', type.replace(/ \(.*\)$/, '').toLowerCase())
    .replace('{until}', until)
    .replace('{code}', current.issued.longCode)
    .replace('{link}', current.link)
}

async function copy(text: string, select: () => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    say(copyStatus, 'ok', () => t('tracer.copied'))
  } catch {
    select()
    say(copyStatus, 'info', () => t('tracer.copySelect'))
  }
}

/** Shows the hand-over for a freshly issued code (the link and QR come from the server). */
export async function showHandover(issued: IssuedCode, testType: string): Promise<void> {
  say(copyStatus, 'info', () => '')
  messageLang.value = document.documentElement.lang === 'es' ? 'es' : 'en'
  let out: CodeHandover
  try {
    out = await postJson<CodeHandover>('/api/exposure/codes/handover', { code: issued.longCode })
  } catch (err) {
    say(copyStatus, 'bad', () => describe(err))
    return
  }
  current = { issued, testType, link: out.link }
  compose()
  link.href = out.link
  link.textContent = out.link
  if (qrUrl !== undefined) URL.revokeObjectURL(qrUrl)
  qrUrl = URL.createObjectURL(new Blob([out.svg], { type: 'image/svg+xml' }))
  qr.src = qrUrl
  qr.alt = t('tracer.qrAlt')
}

export function mountHandover(): void {
  messageLang.addEventListener('change', compose)
  byId('copy-message').addEventListener(
    'click',
    () => void copy(message.value, () => message.select()),
  )
  byId('copy-link').addEventListener(
    'click',
    () =>
      void copy(link.href, () => {
        const range = document.createRange()
        range.selectNodeContents(link)
        getSelection()?.removeAllRanges()
        getSelection()?.addRange(range)
      }),
  )
}

/** The QR's text alternative in the page language. */
export function redrawHandover(): void {
  if (current !== undefined) qr.alt = t('tracer.qrAlt')
}
