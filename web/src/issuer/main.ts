/**
 * The issuer workspace (role issuer, staff session): issue a vaccination or test credential
 * through a form whose refusals appear at their field, hand over the result (QR, print, file,
 * passport link), find credentials by name and birth date or id, list recent ones with their
 * state, and revoke, correct or erase each after a confirmation.
 */
import type {
  CredentialList,
  CredentialListItem,
  CredentialSubject,
  Me,
} from '../../../src/core/api-types/index.ts'
import { byId, el, setState } from '../dom.ts'
import {
  formatTime,
  initI18n,
  type MessageKey,
  mountLanguageSwitch,
  onLangChange,
  t,
} from '../i18n/index.ts'
import { call, FieldError, reason } from './api.ts'
import { type Choice, results, TESTS, VACCINES } from './codes.ts'
import { refusalWords } from './refusal.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

const status = byId('status')
const form = byId<HTMLFormElement>('issue-form')
const issueStatus = byId('issue-status')
const listStatus = byId('list-status')
const findStatus = byId('find-status')
const input = (id: string) => byId<HTMLInputElement>(id)
const select = (id: string) => byId<HTMLSelectElement>(id)

interface Issued {
  id: string
  kind: 'immunization' | 'test'
  /** The shc:/ QR text; null when the card is too long for one QR (SHC 1.4). */
  qr: string | null
  links: Record<string, string>
}

type Kind = 'immunization' | 'test'
interface Dose {
  code: string
  date: string
  lotNumber?: string
  performer?: string
}

let me: Me | undefined
let correcting: CredentialListItem | undefined
/** The doses of a corrected credential before the one in the form (kept as they were). */
let earlierDoses: Dose[] = []
let items: CredentialListItem[] = []
let found: CredentialListItem[] | undefined
let next: string | null = null
let shown:
  | {
      id: string
      kind: Kind
      subject: CredentialSubject
      link: string
      /** false: the card is longer than one QR holds (the API's `qr` is null); unknown for a listed one. */
      fitsQr?: boolean
    }
  | undefined

function fill(node: HTMLSelectElement, choices: readonly Choice[]): void {
  const keep = node.value
  node.replaceChildren(...choices.map((c) => el('option', { value: c.code }, c.label)))
  if (keep !== '') node.value = keep
}
fill(select('product'), VACCINES)
fill(select('test-code'), TESTS)
fill(select('test-result'), results())
select('product').value = '208'

const kind = (): Kind =>
  (form.querySelector<HTMLInputElement>('input[name="kind"]:checked')?.value as Kind) ??
  'immunization'

function showKind(): void {
  byId('vaccination').hidden = kind() !== 'immunization'
  byId('test').hidden = kind() !== 'test'
}
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="kind"]'))
  radio.addEventListener('change', showKind)

// --- field errors ---------------------------------------------------------------------------

const FIELDS = [
  'given-names',
  'family-name',
  'birth-date',
  'region',
  'product',
  'dose-date',
  'lot',
  'performer',
  'test-code',
  'test-date',
  'test-result',
  'test-performer',
] as const
type Field = (typeof FIELDS)[number]

function clearErrors(): void {
  for (const f of FIELDS) {
    byId(`${f}-error`).textContent = ''
    byId(f).removeAttribute('aria-invalid')
  }
}

function fieldError(field: Field, text: string): void {
  byId(`${field}-error`).textContent = text
  const node = byId(field)
  node.setAttribute('aria-invalid', 'true')
  const described = node.getAttribute('aria-describedby') ?? ''
  if (!described.includes(`${field}-error`))
    node.setAttribute('aria-describedby', `${described} ${field}-error`.trim())
}

/** The form field behind an API field path (`patient.birthDate`, `immunizations.0.date`, …). */
function fieldOf(path: string | undefined): Field | undefined {
  if (path === undefined) return undefined
  const p = path.replace(/\.\d+(?=\.|$)/g, '')
  const map: Record<string, Field> = {
    'patient.givenNames': 'given-names',
    'patient.familyName': 'family-name',
    'patient.birthDate': 'birth-date',
    region: 'region',
    'immunizations.code': 'product',
    'immunizations.date': 'dose-date',
    immunizations: 'dose-date',
    'immunizations.lotNumber': 'lot',
    'immunizations.performer': 'performer',
    'test.code': 'test-code',
    'test.date': 'test-date',
    'test.result': 'test-result',
    'test.performer': 'test-performer',
  }
  return map[p]
}

// --- the issuing form -----------------------------------------------------------------------

const text = (id: string) => input(id).value.trim()
const optional = (id: string) =>
  text(id) === '' ? {} : { [id === 'lot' ? 'lotNumber' : 'performer']: text(id) }

/** The request, or undefined with each missing or malformed field marked in plain words. */
function readForm(): unknown {
  clearErrors()
  const bad: [Field, MessageKey][] = []
  if (text('given-names') === '') bad.push(['given-names', 'issuer.err.required'])
  if (text('family-name') === '') bad.push(['family-name', 'issuer.err.required'])
  if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text('birth-date')))
    bad.push(['birth-date', 'issuer.err.birthDate'])
  if (!/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(text('region').toUpperCase()))
    bad.push(['region', 'issuer.err.region'])
  const k = kind()
  if (k === 'immunization' && text('dose-date') === '') bad.push(['dose-date', 'issuer.err.date'])
  if (k === 'test' && text('test-date') === '') bad.push(['test-date', 'issuer.err.date'])
  for (const [field, key] of bad) fieldError(field, t(key))
  if (bad.length > 0) {
    byId(bad[0]?.[0] as Field).focus()
    return undefined
  }
  const patient = {
    givenNames: text('given-names').split(/\s+/),
    familyName: text('family-name'),
    birthDate: text('birth-date'),
  }
  const region = text('region').toUpperCase()
  if (k === 'test') {
    const performer = text('test-performer')
    return {
      type: 'test',
      patient,
      region,
      test: {
        code: select('test-code').value,
        date: text('test-date'),
        result: select('test-result').value,
        ...(performer === '' ? {} : { performer }),
      },
    }
  }
  const dose = {
    code: select('product').value,
    date: text('dose-date'),
    ...optional('lot'),
    ...optional('performer'),
  }
  return { type: 'immunization', patient, region, immunizations: [...earlierDoses, dose] }
}

function setKind(k: Kind): void {
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="kind"]'))
    radio.checked = radio.value === k
  showKind()
}

function renderCorrecting(): void {
  byId('correcting').hidden = correcting === undefined
  byId('issue-heading').textContent = t(
    correcting === undefined ? 'issuer.issueHeading' : 'issuer.correctHeading',
  )
  byId('submit').textContent = t(
    correcting === undefined ? 'issuer.submit' : 'issuer.submitCorrection',
  )
  if (correcting !== undefined)
    byId('correcting-text').textContent = t('issuer.correcting', {
      when: when(correcting.issuedAt),
    })
  const extra = byId('extra-doses')
  extra.hidden = earlierDoses.length === 0
  extra.textContent = t('issuer.extraDoses', { count: earlierDoses.length })
}

/** Pre-fills the form from a credential's issuing request, to correct it. */
function startCorrection(item: CredentialListItem): void {
  const req = item.input as {
    type: Kind
    patient: CredentialSubject
    region: string
    immunizations?: Dose[]
    test?: { code: string; date: string; result: string; performer?: string }
  }
  correcting = item
  form.reset()
  clearErrors()
  setKind(req.type)
  input('given-names').value = req.patient.givenNames.join(' ')
  input('family-name').value = req.patient.familyName
  input('birth-date').value = req.patient.birthDate
  input('region').value = req.region
  earlierDoses = []
  if (req.type === 'immunization' && req.immunizations !== undefined) {
    const doses = [...req.immunizations]
    const last = doses.pop() as Dose
    earlierDoses = doses
    select('product').value = last.code
    input('dose-date').value = last.date
    input('lot').value = last.lotNumber ?? ''
    input('performer').value = last.performer ?? ''
  } else if (req.test !== undefined) {
    select('test-code').value = req.test.code
    input('test-date').value = req.test.date
    select('test-result').value = req.test.result
    input('test-performer').value = req.test.performer ?? ''
  }
  renderCorrecting()
  byId('result').hidden = true
  byId('issue-section').scrollIntoView()
  input('given-names').focus()
}

function endCorrection(): void {
  correcting = undefined
  earlierDoses = []
  renderCorrecting()
}
byId('cancel-correction').addEventListener('click', () => {
  endCorrection()
  form.reset()
  clearErrors()
  showKind()
})

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  setState(issueStatus, 'info', '')
  const body = readForm()
  if (body === undefined) {
    setState(issueStatus, 'bad', t('issuer.fixFields'))
    return
  }
  setState(issueStatus, 'busy', t('issuer.issuing'))
  const path =
    correcting === undefined ? '/api/credentials' : `/api/credentials/${correcting.id}/reissue`
  try {
    const issued = await call<Issued>('POST', path, body)
    const subject = (body as { patient: CredentialSubject }).patient
    setState(issueStatus, 'info', '')
    endCorrection()
    form.reset()
    showKind()
    showResult({
      id: issued.id,
      kind: issued.kind,
      subject,
      link: issued.links.passport ?? '',
      fitsQr: issued.qr !== null,
    })
    void loadList()
  } catch (err) {
    const field = err instanceof FieldError ? fieldOf(err.field) : undefined
    if (field !== undefined) {
      const refusal = err as FieldError
      const value = byId<HTMLInputElement>(field).value ?? ''
      fieldError(field, refusalWords(refusal.code, refusal.message, refusal.field, value))
      byId(field).focus()
      setState(issueStatus, 'bad', t('issuer.fixFields'))
    } else setState(issueStatus, 'bad', t('issuer.failed', { reason: reason(err) }))
  }
})

// --- the result -----------------------------------------------------------------------------

const fullName = (s: CredentialSubject) => `${s.givenNames.join(' ')} ${s.familyName}`
const kindWord = (k: Kind) => t(k === 'test' ? 'issuer.kind.test' : 'issuer.kind.immunization')
const when = (iso: string) => formatTime(Date.parse(iso) / 1000)

function renderResult(): void {
  if (shown === undefined) return
  const { id, subject } = shown
  byId('result-for').textContent = t('issuer.resultFor', {
    kind: kindWord(shown.kind),
    name: fullName(subject),
    birthDate: subject.birthDate,
  })
  const qr = byId<HTMLImageElement>('result-qr')
  qr.alt = t('issuer.qrAlt', { name: fullName(subject) })
  // SHC 1.4: a card over 1,195 characters has no QR; it is shared as a health link instead.
  noQr(shown.fitsQr === false ? 'issuer.qrTooLong' : undefined)
  if (shown.fitsQr !== false && qr.getAttribute('src') !== `/api/credentials/${id}/qr.svg`)
    qr.src = `/api/credentials/${id}/qr.svg`
  byId<HTMLAnchorElement>('result-print').href = `/api/credentials/${id}/passport`
  byId<HTMLAnchorElement>('result-download').href = `/api/credentials/${id}/card.smart-health-card`
  byId('result-link').textContent = shown.link
}

/** Shows `message` in place of the QR image (undefined: the image, no message). */
function noQr(message: MessageKey | undefined): void {
  const qr = byId<HTMLImageElement>('result-qr')
  const note = byId('result-no-qr')
  qr.hidden = message !== undefined
  note.hidden = message === undefined
  note.textContent = message === undefined ? '' : t(message)
  if (message !== undefined) qr.removeAttribute('src')
}

// A QR that fails to load for another reason (a dropped connection) is said, not shown broken.
byId<HTMLImageElement>('result-qr').addEventListener('error', () => {
  if (shown !== undefined && byId<HTMLImageElement>('result-qr').getAttribute('src') !== null)
    noQr('issuer.qrFailed')
})

function showResult(next: NonNullable<typeof shown>): void {
  shown = next
  setState(byId('copy-status'), 'info', '')
  renderResult()
  byId('result').hidden = false
  byId('result-heading').focus()
}

async function showExisting(item: CredentialListItem): Promise<void> {
  try {
    const { url } = await call<{ url: string }>('GET', `/api/credentials/${item.id}/passport-link`)
    showResult({
      id: item.id,
      kind: item.kind,
      subject: item.subject as CredentialSubject,
      link: url,
      fitsQr: item.fitsQr !== false,
    })
  } catch (err) {
    setState(listStatus, 'bad', t('issuer.actionFailed', { reason: reason(err) }))
  }
}

byId('copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(byId('result-link').textContent ?? '')
    setState(byId('copy-status'), 'ok', t('issuer.copied'))
  } catch {
    setState(byId('copy-status'), 'bad', t('issuer.copyFailed'))
  }
})
byId('issue-another').addEventListener('click', () => {
  byId('result').hidden = true
  shown = undefined
  input('given-names').focus()
})

// --- confirmation ---------------------------------------------------------------------------

const dialog = byId<HTMLDialogElement>('confirm')

/** Asks before a destructive action; with `askReason`, a reason is required. */
function confirmAction(message: MessageKey, askReason: boolean): Promise<string | undefined> {
  byId('confirm-text').textContent = t(message)
  byId('reason-field').hidden = !askReason
  input('reason').value = ''
  byId('reason-error').textContent = ''
  input('reason').removeAttribute('aria-invalid')
  dialog.showModal()
  return new Promise((resolve) => {
    const onSubmit = (event: SubmitEvent) => {
      const yes = (event.submitter as HTMLButtonElement | null)?.value === 'yes'
      if (yes && askReason && input('reason').value.trim() === '') {
        event.preventDefault()
        byId('reason-error').textContent = t('issuer.reasonNeeded')
        input('reason').setAttribute('aria-invalid', 'true')
        input('reason').focus()
        return
      }
      byId('confirm-form').removeEventListener('submit', onSubmit as EventListener)
      dialog.removeEventListener('cancel', onCancel)
      resolve(yes ? input('reason').value.trim() : undefined)
    }
    const onCancel = () => {
      byId('confirm-form').removeEventListener('submit', onSubmit as EventListener)
      dialog.removeEventListener('cancel', onCancel)
      resolve(undefined)
    }
    byId('confirm-form').addEventListener('submit', onSubmit as EventListener)
    dialog.addEventListener('cancel', onCancel)
  })
}

async function revoke(item: CredentialListItem): Promise<void> {
  const why = await confirmAction('issuer.confirmRevoke', true)
  if (why === undefined) return
  try {
    await call('POST', `/api/credentials/${item.id}/revoke`, { reason: why })
    setState(listStatus, 'ok', t('issuer.revoked'))
    await refreshAll()
  } catch (err) {
    setState(listStatus, 'bad', t('issuer.actionFailed', { reason: reason(err) }))
  }
}

async function erase(item: CredentialListItem): Promise<void> {
  if ((await confirmAction('issuer.confirmErase', false)) === undefined) return
  try {
    await call('DELETE', `/api/credentials/${item.id}/personal-data`)
    setState(listStatus, 'ok', t('issuer.erasedDone'))
    if (shown?.id === item.id) byId('result').hidden = true
    await refreshAll()
  } catch (err) {
    setState(listStatus, 'bad', t('issuer.actionFailed', { reason: reason(err) }))
  }
}

// --- list and search ------------------------------------------------------------------------

function card(item: CredentialListItem): HTMLElement {
  const name = item.subject === null ? t('issuer.erased') : fullName(item.subject)
  const who = item.subject === null ? t('issuer.someone') : fullName(item.subject)
  const issued = when(item.issuedAt)
  const action = (key: MessageKey, run: () => void) => {
    const b = el(
      'button',
      {
        type: 'button',
        'aria-label': t('issuer.actionFor', { action: t(key), name: who, when: issued }),
      },
      t(key),
    )
    b.addEventListener('click', run)
    return b
  }
  const open = !item.erased
  const valid = item.state === 'valid'
  return el(
    'article',
    {
      class: 'card',
      'data-id': item.id,
      'data-state': item.state,
      'data-erased': String(item.erased),
    },
    el('h3', {}, name),
    el(
      'p',
      {},
      `${kindWord(item.kind)} · ${item.subject === null ? '' : `${item.subject.birthDate} · `}${issued}`,
    ),
    el(
      'p',
      {},
      el('span', { class: 'badge state' }, t(`issuer.state.${item.state}`)),
      item.erased ? el('span', { class: 'badge' }, t('issuer.erased')) : undefined,
      item.state === 'revoked' && item.revocationReason !== null
        ? item.revocationReason
        : undefined,
    ),
    el('p', { class: 'hint' }, el('code', {}, item.id)),
    el(
      'p',
      { class: 'row' },
      open ? action('issuer.show', () => void showExisting(item)) : undefined,
      open && valid ? action('issuer.correct', () => startCorrection(item)) : undefined,
      valid ? action('issuer.revoke', () => void revoke(item)) : undefined,
      open ? action('issuer.erase', () => void erase(item)) : undefined,
    ),
  )
}

function renderList(): void {
  byId('list').replaceChildren(
    ...(items.length === 0
      ? [el('p', {}, t(stateFilter.value === '' ? 'issuer.none' : 'issuer.noneInState'))]
      : items.map(card)),
  )
  byId('older').hidden = next === null
  if (found !== undefined) {
    byId('found').replaceChildren(...found.map(card))
    setState(
      findStatus,
      'info',
      found.length === 0 ? t('issuer.foundNone') : t('issuer.found', { count: found.length }),
    )
  }
}

/** The list's state filter (`GET /api/credentials?state=`; '' for every state). */
const stateFilter = byId<HTMLSelectElement>('list-state')

/** Counts list loads, so an answer to an earlier one (another filter, say) is dropped. */
let listLoads = 0

async function loadList(more = false): Promise<void> {
  const load = ++listLoads
  setState(listStatus, 'busy', t('issuer.loading'))
  const query = new URLSearchParams({ limit: '20' })
  if (stateFilter.value !== '') query.set('state', stateFilter.value)
  if (more && next !== null) query.set('before', next)
  try {
    const page = await call<CredentialList>('GET', `/api/credentials?${query}`)
    if (load !== listLoads) return
    items = more ? [...items, ...page.items] : page.items
    next = page.next
    renderList()
    setState(listStatus, 'info', '')
  } catch (err) {
    if (load === listLoads)
      setState(listStatus, 'bad', t('issuer.actionFailed', { reason: reason(err) }))
  }
}

let lastQuery: unknown
async function search(query: unknown): Promise<void> {
  lastQuery = query
  setState(findStatus, 'busy', t('issuer.finding'))
  try {
    found = (await call<{ items: CredentialListItem[] }>('POST', '/api/credentials/search', query))
      .items
    renderList()
  } catch (err) {
    found = undefined
    byId('found').replaceChildren()
    setState(findStatus, 'bad', t('issuer.actionFailed', { reason: reason(err) }))
  }
}

async function refreshAll(): Promise<void> {
  await loadList()
  if (lastQuery !== undefined) await search(lastQuery)
}

byId('find-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const id = text('find-id')
  const given = text('find-given')
  const family = text('find-family')
  const birth = text('find-birth')
  if (id !== '') void search({ id })
  else if (given !== '' && family !== '' && birth !== '')
    void search({ givenNames: given.split(/\s+/), familyName: family, birthDate: birth })
  else {
    found = undefined
    byId('found').replaceChildren()
    setState(findStatus, 'bad', t('issuer.findNeed'))
  }
})
byId('older').addEventListener('click', () => void loadList(true))
byId('refresh').addEventListener('click', () => void loadList())
stateFilter.addEventListener('change', () => void loadList())

onLangChange(() => {
  fill(select('product'), VACCINES)
  fill(select('test-result'), results())
  renderCorrecting()
  renderResult()
  renderList()
  if (me !== undefined) setState(status, 'info', t('issuer.signedIn', { name: me.name }))
})

// --- start ----------------------------------------------------------------------------------

async function start(): Promise<void> {
  try {
    me = await call<Me>('GET', '/api/staff/me')
  } catch (err) {
    if (err instanceof FieldError && (err.status === 401 || err.status === 403)) {
      setState(status, 'info', t('issuer.signedOut'))
      byId('sign-in').hidden = false
      return
    }
    setState(status, 'bad', reason(err))
    return
  }
  if (!me.roles.includes('issuer')) {
    setState(status, 'bad', t('issuer.noRole'))
    return
  }
  setState(status, 'info', t('issuer.signedIn', { name: me.name }))
  byId('issuer').hidden = false
  showKind()
  renderCorrecting()
  await loadList()
}
void start()
