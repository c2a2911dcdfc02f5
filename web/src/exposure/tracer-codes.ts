/**
 * The deployment's codes on the tracer's page: newest first, a page at a time ("Show older codes"
 * follows the keyset cursor), refreshed on demand and every minute while the page is visible;
 * an unused code can be revoked after an inline confirmation.
 */
import type { CodeListItem, CodePage } from '../../../src/core/api-types/index.ts'
import { formatTime, type MessageKey, t } from '../i18n/index.ts'
import { api, describe } from '../staff/api.ts'
import { button, byId, el } from '../staff/dom.ts'
import { at, say, statusWord, testTypeWord } from './tracer-words.ts'

const PAGE = 50
const body = byId('codes')
const codesStatus = byId('codes-status')
const more = byId<HTMLButtonElement>('more')
let shown: CodeListItem[] = []
let next: string | null = null

/** The code whose revocation is being confirmed: kept across redraws (a language switch). */
let confirming: string | undefined

function actions(code: CodeListItem): HTMLElement {
  const cell = el('td', {})
  if (code.status !== 'unused') return cell
  if (confirming !== code.id) {
    cell.append(
      button(
        t('tracer.revoke'),
        () => {
          confirming = code.id
          render()
          ;(body.querySelector('[data-confirm] button') as HTMLButtonElement | null)?.focus()
        },
        { 'aria-label': t('tracer.revokeLabel', { time: at(code.issuedAt) }) },
      ),
    )
    return cell
  }
  cell.dataset.confirm = ''
  cell.append(
    el('span', { role: 'alert' }, t('tracer.revokeConfirm')),
    ' ',
    button(t('tracer.revokeYes'), () => void revoke(code.id)),
    ' ',
    button(t('tracer.revokeNo'), () => {
      confirming = undefined
      render()
    }),
  )
  return cell
}

function row(code: CodeListItem): HTMLTableRowElement {
  // Each cell names its column, so narrow screens can show a row as a card (exposure.css).
  const cell = (label: MessageKey, props: Record<string, string>, ...kids: (Node | string)[]) =>
    el('td', { 'data-label': t(label), ...props }, ...kids)
  const acts = actions(code)
  acts.dataset.label = t('tracer.colActions')
  return el(
    'tr',
    { 'data-id': code.id },
    cell(
      'tracer.colIssued',
      {},
      at(code.issuedAt),
      code.mine ? el('span', { class: 'mine' }, ` ${t('tracer.mine')}`) : '',
    ),
    cell('tracer.colType', {}, testTypeWord(code.testType)),
    cell('tracer.colRegion', {}, code.region ?? '—'),
    cell(
      'tracer.colStatus',
      { class: 'code-status', 'data-status': code.status },
      statusWord(code.status),
    ),
    cell('tracer.colUntil', {}, at(code.longExpiresAt)),
    acts,
  )
}

function render(): void {
  body.replaceChildren(
    ...(shown.length === 0
      ? [el('tr', {}, el('td', { colspan: '6' }, t('tracer.noCodes')))]
      : shown.map(row)),
  )
  more.hidden = next === null
}

/** Reloads from the newest code, as many rows as are shown (at least a page). */
export async function loadCodes(): Promise<void> {
  say(codesStatus, 'busy', () => t('tracer.loading'))
  try {
    const limit = Math.min(Math.max(shown.length, PAGE), 200)
    const page = await api<CodePage>('GET', `/api/exposure/codes?limit=${limit}`)
    shown = page.codes
    next = page.next
    render()
    const count = shown.length
    const asOf = Date.now() / 1000
    say(codesStatus, 'ok', () => t('tracer.loaded', { count, time: formatTime(asOf) }))
  } catch (err) {
    say(codesStatus, 'bad', () => t('tracer.loadFailed', { error: describe(err) }))
  }
}

async function loadOlder(): Promise<void> {
  if (next === null) return
  try {
    const page = await api<CodePage>(
      'GET',
      `/api/exposure/codes?limit=${PAGE}&before=${encodeURIComponent(next)}`,
    )
    shown = [...shown, ...page.codes]
    next = page.next
    render()
  } catch (err) {
    say(codesStatus, 'bad', () => t('tracer.loadFailed', { error: describe(err) }))
  }
}

async function revoke(id: string): Promise<void> {
  confirming = undefined
  try {
    await api('POST', `/api/exposure/codes/${id}/revoke`)
    await loadCodes()
    say(codesStatus, 'ok', () => t('tracer.revoked'))
  } catch (err) {
    say(codesStatus, 'bad', () => t('tracer.notRevoked', { error: describe(err) }))
  }
}

export function mountCodes(): void {
  byId('refresh').addEventListener('click', () => void loadCodes())
  more.addEventListener('click', () => void loadOlder())
  setInterval(() => {
    if (document.visibilityState === 'visible') void loadCodes()
  }, 60_000)
}

/** Redraws the rows in the page language (no request). */
export function redrawCodes(): void {
  render()
}
