/**
 * The passport page's sharing section: the holder makes SMART Health Links to chosen records
 * (as signed cards and/or one FHIR bundle; options from the IG: passcode P, long-term L, single
 * file U, expiry, label), sees each new link's QR and text once, and manages their links: who
 * opened them (the recipient's own words, never an address), re-label, turn off. Requests carry
 * the passport key in a header, as the rest of the page (src/http/routes/shl.ts).
 */
import type { HolderRecord, ShlCreated, ShlLinkView } from '../../../src/core/api-types/index.ts'
import { byId, el } from '../dom.ts'
import {
  formatDate,
  formatFhirDate,
  formatTime,
  type MessageKey,
  onLangChange,
  t,
} from '../i18n/index.ts'

const KEY_HEADER = 'x-vigil-passport-key'
const DAY_MS = 86_400_000

let passport = { id: '', key: '' }
let records: HolderRecord[] = []
let links: ShlLinkView[] = []

interface Problem {
  code?: string
  field?: string
  detail?: string
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`/api/passport/${encodeURIComponent(passport.id)}${path}`, {
    method,
    headers: {
      [KEY_HEADER]: passport.key,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

const seconds = (iso: string) => Date.parse(iso) / 1000

/** A refusal in the page's words: the field at fault where we know it, else the code. */
function problemText(p: Problem): string {
  const byField: Record<string, MessageKey> = {
    'body.singleFile': 'share.err.single',
    'body.label': 'share.err.label',
    'body.passcode': 'share.err.passcode',
    'body.cards': 'share.err.nothing',
    kinds: 'share.err.noRecords',
    credentials: 'share.err.noRecords',
  }
  const key = p.field === undefined ? undefined : byField[p.field]
  return key === undefined ? t('share.err.other', { code: p.code ?? '?' }) : t(key)
}

function setStatus(text: string, state: 'ok' | 'bad' | 'info'): void {
  const s = byId('share-status')
  s.dataset.state = state
  s.textContent = text
}

function recordText(r: HolderRecord): string {
  const kind = t(`issuer.kind.${r.kind}` as MessageKey)
  const what =
    r.summary?.entries
      .map((e) =>
        e.kind === 'immunization'
          ? t('entry.immunization', { display: e.display, date: formatFhirDate(e.date) })
          : t('entry.test', {
              display: e.display,
              result: e.resultDisplay,
              date: formatFhirDate(e.date),
            }),
      )
      .join('; ') ?? ''
  const state = r.state === 'valid' ? '' : ` (${t(`share.record.${r.state}` as MessageKey)})`
  return `${kind}, ${formatDate(seconds(r.issuedAt))}${state}: ${what}`
}

function renderRecords(): void {
  byId('share-records').replaceChildren(
    ...records.map((r, i) => {
      const id = `share-record-${i}`
      const box = el('input', { type: 'checkbox', id, value: r.id })
      box.checked = r.state === 'valid'
      box.disabled = r.state !== 'valid'
      box.dataset.kind = r.kind
      return el('li', { class: 'option' }, box, el('label', { for: id }, recordText(r)))
    }),
  )
}

function flagsText(l: ShlLinkView): string {
  const parts: string[] = []
  if (l.cards) parts.push(t('share.flag.cards'))
  if (l.bundle) parts.push(t('share.flag.bundle'))
  if (l.passcode) parts.push(t('share.flag.passcode', { left: l.attemptsLeft ?? 0 }))
  if (l.longTerm) parts.push(t('share.flag.long'))
  if (l.singleFile) parts.push(t('share.flag.single'))
  return parts.join(' · ')
}

function accessList(l: ShlLinkView): HTMLElement {
  if (l.accessCount === 0) return el('p', { class: 'hint' }, t('share.access.none'))
  const items = l.access.map((a) =>
    el(
      'li',
      {},
      t('share.access.item', {
        time: formatTime(seconds(a.at)),
        recipient: a.recipient,
        outcome: t(`share.outcome.${a.outcome}` as MessageKey),
      }),
    ),
  )
  const more = l.accessCount - l.access.length
  return el(
    'div',
    {},
    el('p', {}, t('share.access.heading', { n: l.accessCount })),
    el('ul', { class: 'access' }, ...items),
    more > 0 ? el('p', { class: 'hint' }, t('share.access.more', { n: more })) : undefined,
  )
}

function linkItem(l: ShlLinkView, i: number): HTMLLIElement {
  const labelId = `link-label-${i}`
  const input = el('input', { type: 'text', id: labelId, maxlength: '80', autocomplete: 'off' })
  input.value = l.label ?? ''
  const rename = el(
    'form',
    { class: 'rename', novalidate: '' },
    el('label', { for: labelId }, t('share.rename')),
    input,
    el('button', { type: 'submit' }, t('share.save')),
  )
  rename.addEventListener('submit', async (event) => {
    event.preventDefault()
    const label = input.value.trim()
    await change(l.id, { label: label === '' ? null : label })
  })
  const off = el('button', { type: 'button', class: 'danger' }, t('share.off'))
  off.addEventListener('click', async () => {
    if (window.confirm(t('share.offConfirm'))) await change(l.id, { active: false })
  })
  const dates = [
    t('share.created', { date: formatDate(seconds(l.createdAt)) }),
    l.expiresAt === null
      ? t('share.noExpiry')
      : t('share.expires', { date: formatDate(seconds(l.expiresAt)) }),
  ].join(' ')
  return el(
    'li',
    { class: 'link', 'data-state': l.state, 'data-id': l.id },
    el('h4', {}, l.label ?? t('share.unnamed')),
    el('p', { class: 'link-state' }, t(`share.state.${l.state}` as MessageKey)),
    el('p', {}, flagsText(l)),
    el('p', { class: 'hint' }, `${dates} ${t('share.files', { n: l.files })}`),
    accessList(l),
    l.state === 'deactivated' ? undefined : rename,
    l.state === 'deactivated' ? undefined : el('p', {}, off),
  )
}

function renderLinks(): void {
  byId('links-empty').hidden = links.length > 0
  byId('links').replaceChildren(...links.map(linkItem))
}

async function loadLinks(): Promise<void> {
  const res = await api('GET', '/links')
  if (res.ok) links = ((await res.json()) as { links: ShlLinkView[] }).links
  renderLinks()
}

async function change(linkId: string, body: unknown): Promise<void> {
  const res = await api('PATCH', `/links/${encodeURIComponent(linkId)}`, body)
  if (!res.ok) setStatus(problemText((await res.json()) as Problem), 'bad')
  await loadLinks()
}

function showMade(made: ShlCreated): void {
  byId<HTMLImageElement>('share-qr').src = URL.createObjectURL(
    new Blob([made.qrSvg], { type: 'image/svg+xml' }),
  )
  byId<HTMLImageElement>('share-qr').alt = t('share.qrAlt')
  byId<HTMLTextAreaElement>('share-url').value = made.viewerUrl
  byId('share-made').hidden = false
  byId('share-made').scrollIntoView({ block: 'start' })
}

async function submit(): Promise<void> {
  const checked = [...document.querySelectorAll<HTMLInputElement>('#share-records input:checked')]
  const longTerm = byId<HTMLInputElement>('share-long').checked
  const single = byId<HTMLInputElement>('share-single').checked
  const passcode = byId<HTMLInputElement>('share-passcode').value
  const days = byId<HTMLSelectElement>('share-expiry').value
  const label = byId<HTMLInputElement>('share-label').value.trim()
  if (checked.length === 0) return setStatus(t('share.err.noRecords'), 'bad')
  const input = {
    cards: byId<HTMLInputElement>('share-cards').checked,
    bundle: byId<HTMLInputElement>('share-bundle').checked,
    longTerm,
    singleFile: single,
    // A long-term link follows every record of the chosen kinds, now and later.
    ...(longTerm
      ? { kinds: [...new Set(checked.map((c) => c.dataset.kind as string))] }
      : { credentials: checked.map((c) => c.value) }),
    ...(passcode === '' || single ? {} : { passcode }),
    ...(days === ''
      ? {}
      : { expiresAt: new Date(Date.now() + Number(days) * DAY_MS).toISOString() }),
    ...(label === '' ? {} : { label }),
  }
  setStatus(t('share.making'), 'info')
  const res = await api('POST', '/links', input)
  if (res.status !== 201) return setStatus(problemText((await res.json()) as Problem), 'bad')
  setStatus(t('share.madeStatus'), 'ok')
  showMade((await res.json()) as ShlCreated)
  byId<HTMLInputElement>('share-passcode').value = ''
  await loadLinks()
}

/** Shows the section for passport `id`, opened with its link's `key`. */
export async function mountShare(id: string, key: string): Promise<void> {
  passport = { id, key }
  byId('share').hidden = false
  const single = byId<HTMLInputElement>('share-single')
  const code = byId<HTMLInputElement>('share-passcode')
  // IG: flag U is never combined with a passcode.
  single.addEventListener('change', () => {
    code.disabled = single.checked
  })
  byId<HTMLFormElement>('share-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void submit()
  })
  byId('share-copy').addEventListener('click', async () => {
    const text = byId<HTMLTextAreaElement>('share-url').value
    try {
      await navigator.clipboard.writeText(text)
      setStatus(t('share.copied'), 'ok')
    } catch {
      byId<HTMLTextAreaElement>('share-url').select()
    }
  })
  onLangChange(() => {
    renderRecords()
    renderLinks()
  })
  const res = await api('GET', '/records')
  if (res.ok) records = ((await res.json()) as { records: HolderRecord[] }).records
  renderRecords()
  await loadLinks()
}
