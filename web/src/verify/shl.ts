/**
 * SMART Health Links on the verifier page (IG §Receiving Application): a `shlink:/…` pasted,
 * scanned or opened as this page's own viewer URL (`/verify#shlink:/…`). The page asks for the
 * passcode when the link says P and for who is opening it (the sharer sees that name), fetches the
 * manifest and files from the link's server, decrypts them here with the key from the link, and
 * verifies every card exactly as a scanned one; the unsigned FHIR bundle is summarised and can be
 * downloaded. The key never leaves the page: it is in the fragment, which browsers do not send.
 */
import type { CredentialSummary } from '../../../src/core/fhir/index.ts'
import {
  parseShlink,
  type ReceivedShl,
  receiveShlink,
  ShlError,
  type ShlPayload,
} from '../../../src/core/shl/index.ts'
import { plainVerdict, type Verdict, type VerifyOptions } from '../../../src/core/verify/index.ts'
import { byId, downloadBlob, el } from '../dom.ts'
import { formatDate, formatFhirDate, type MessageKey, t } from '../i18n/index.ts'
import { checkItem, entryItem, plainText } from './view.ts'

const RECIPIENT_KEY = 'vigil.verify.recipient'
const ICON = { valid: '✓', 'not-valid': '✗', 'cannot-confirm': '?', 'could-not-read': '↻' }

/** The verify options of a scanned card at this moment (trust, ledger, snapshot, cache…). */
export type VerifyContext = () => Promise<Omit<VerifyOptions, 'now'>>

interface ShlState {
  text: string
  payload: ShlPayload & { flags: { passcode: boolean } }
  received?: ReceivedShl
}

let state: ShlState | undefined
let verifyContext: VerifyContext | undefined

const ui = () => ({
  section: byId('shl'),
  label: byId('shl-label'),
  status: byId('shl-status'),
  form: byId<HTMLFormElement>('shl-form'),
  passcodeRow: byId('shl-passcode-row'),
  passcode: byId<HTMLInputElement>('shl-passcode'),
  recipient: byId<HTMLInputElement>('shl-recipient'),
  cards: byId('shl-cards'),
  fhir: byId('shl-fhir'),
})

function savedRecipient(): string {
  try {
    return localStorage.getItem(RECIPIENT_KEY) ?? ''
  } catch {
    return ''
  }
}

function setStatus(text: string, kind: 'ok' | 'bad' | 'info' | 'busy'): void {
  const s = ui().status
  s.dataset.state = kind
  s.textContent = text
}

/** The words for a refusal: each SHL code has its sentence (EN and ES). */
function errorText(err: unknown): string {
  if (err instanceof ShlError) {
    const key = `shl.err.${err.code}` as MessageKey
    return t(key, { remaining: err.remainingAttempts ?? '?' })
  }
  return t('shl.err.other', { error: err instanceof Error ? err.message : String(err) })
}

function holderBlock(summary: CredentialSummary): HTMLElement {
  return el(
    'dl',
    { class: 'fields' },
    el('dt', {}, t('holder.name')),
    el('dd', { class: 'holder-name' }, summary.name),
    el('dt', {}, t('holder.birthDate')),
    el('dd', {}, formatFhirDate(summary.birthDate)),
    el('dt', {}, t('holder.records')),
    el('dd', {}, el('ul', { class: 'entries' }, ...summary.entries.map(entryItem))),
  )
}

function cardView(verdict: Verdict, n: number, of: number): HTMLElement {
  const plain = plainVerdict(verdict)
  const checks = el('details', {}, el('summary', {}, t('checks.show')))
  checks.append(el('ol', { class: 'checks' }, ...verdict.checks.map(checkItem)))
  return el(
    'article',
    { class: 'shl-card', 'data-status': verdict.status, 'data-code': verdict.reason?.code ?? '' },
    el('h3', {}, t('shl.card', { n, of })),
    el(
      'p',
      { class: 'verdict shl-verdict', 'data-kind': plain.kind },
      el('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, ICON[plain.kind]),
      el('span', { class: 'verdict-word' }, t(`kind.${plain.kind}` as MessageKey)),
      el('span', { class: 'verdict-reason' }, plainText(plain)),
    ),
    verdict.summary === undefined ? undefined : holderBlock(verdict.summary),
    checks,
  )
}

function fhirView(f: ReceivedShl['fhir'][number], i: number): HTMLElement {
  const download = el('button', { type: 'button', class: 'shl-download' }, t('shl.download'))
  download.addEventListener('click', () =>
    downloadBlob(
      i === 0 ? 'health-records.fhir.json' : `health-records-${i + 1}.fhir.json`,
      new Blob([f.text], { type: 'application/fhir+json' }),
    ),
  )
  return el(
    'article',
    { class: 'shl-fhir' },
    el('h3', {}, t('shl.fhirHeading')),
    el('p', { class: 'hint' }, t('shl.fhirUnsigned')),
    f.summary === undefined
      ? el('p', {}, t('shl.fhirNoSummary', { type: String(f.resource.resourceType) }))
      : holderBlock(f.summary),
    el('p', {}, download),
  )
}

function render(): void {
  if (state === undefined) return
  const u = ui()
  const p = state.payload
  const parts = [p.label === undefined ? t('shl.noLabel') : t('shl.label', { label: p.label })]
  if (p.exp !== undefined) parts.push(t('shl.exp', { date: formatDate(p.exp) }))
  u.label.textContent = parts.join(' ')
  u.passcodeRow.hidden = !p.flags.passcode
  const r = state.received
  u.form.hidden = r !== undefined
  u.cards.replaceChildren(
    ...(r?.cards.map((c, i) => cardView(c.verdict, i + 1, r.cards.length)) ?? []),
  )
  u.fhir.replaceChildren(...(r?.fhir.map(fhirView) ?? []))
  if (r !== undefined) {
    const valid = r.cards.filter((c) => c.verdict.status === 'valid').length
    setStatus(
      t('shl.opened', { cards: r.cards.length, valid, files: r.opened.files.length }),
      r.cards.length > 0 && valid === r.cards.length ? 'ok' : 'info',
    )
  }
}

async function open(): Promise<void> {
  if (state === undefined || verifyContext === undefined) return
  const u = ui()
  const recipient = u.recipient.value.trim()
  if (recipient === '') {
    setStatus(t('shl.needRecipient'), 'bad')
    u.recipient.focus()
    return
  }
  if (state.payload.flags.passcode && u.passcode.value === '') {
    setStatus(t('shl.err.SHL_PASSCODE_REQUIRED'), 'bad')
    u.passcode.focus()
    return
  }
  try {
    localStorage.setItem(RECIPIENT_KEY, recipient)
  } catch {}
  setStatus(t('shl.opening'), 'busy')
  try {
    state.received = await receiveShlink(state.text, {
      fetch: (url, init) =>
        fetch(url, { ...init, cache: 'no-store', referrerPolicy: 'no-referrer' }),
      recipient,
      now: Math.floor(Date.now() / 1000),
      ...(state.payload.flags.passcode ? { passcode: u.passcode.value } : {}),
      verify: await verifyContext(),
    })
    u.passcode.value = ''
    render()
    byId('shl-heading').focus()
  } catch (err) {
    setStatus(errorText(err), 'bad')
    if (err instanceof ShlError && err.code === 'SHL_PASSCODE_WRONG') u.passcode.select()
  }
}

/** Shows the link and, when nothing needs asking, opens it at once. */
export function showShlink(text: string): void {
  const u = ui()
  u.section.hidden = false
  byId('result').hidden = true
  u.cards.replaceChildren()
  u.fhir.replaceChildren()
  try {
    state = { text, payload: parseShlink(text) }
  } catch (err) {
    state = undefined
    u.form.hidden = true
    u.label.textContent = ''
    setStatus(errorText(err), 'bad')
    return
  }
  setStatus('', 'info')
  render()
  u.recipient.value ||= savedRecipient()
  if (!state.payload.flags.passcode && u.recipient.value.trim() !== '') void open()
  else (state.payload.flags.passcode ? u.passcode : u.recipient).focus()
  u.section.scrollIntoView({ block: 'start' })
}

export function hideShlink(): void {
  state = undefined
  ui().section.hidden = true
}

/** Wires the form; `context` gives the verify options the page uses for scanned cards. */
export function mountShl(context: VerifyContext, onClose: () => void): void {
  verifyContext = context
  const u = ui()
  u.form.addEventListener('submit', (event) => {
    event.preventDefault()
    void open()
  })
  byId('shl-close').addEventListener('click', () => {
    hideShlink()
    if (location.hash.startsWith('#shlink:/')) history.replaceState(null, '', location.pathname)
    onClose()
  })
}

/** Re-renders in the new language. */
export function renderShl(): void {
  render()
}
