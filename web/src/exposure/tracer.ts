/**
 * The tracer's page (role tracer, staff session): issue a verification code for a test result
 * (test type, region from the loaded places, date), hand it over (message, link, QR), look up the
 * code a person quotes, and follow the deployment's codes with their status (tracer-codes.ts).
 * English and Spanish; errors the API names a field for are shown at that field.
 */
import type { CodeListItem, CodePlace, IssuedCode } from '../../../src/core/api-types/index.ts'
import { initI18n, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe, whoAmI } from '../staff/api.ts'
import { byId, el } from '../staff/dom.ts'
import { loadCodes, mountCodes, redrawCodes } from './tracer-codes.ts'
import { mountHandover, redrawHandover, showHandover } from './tracer-handover.ts'
import {
  at,
  FieldError,
  fieldError,
  postJson,
  say,
  sayAgain,
  statusWord,
  testTypeWord,
} from './tracer-words.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

const status = byId('status')
const issueStatus = byId('issue-status')
const dateInput = byId<HTMLInputElement>('date')
const dateError = byId('date-error')
const region = byId<HTMLSelectElement>('region')
const regionError = byId('region-error')
const lookupInput = byId<HTMLInputElement>('lookup-code')
const lookupError = byId('lookup-error')
const lookupResult = byId('lookup-result')

async function loadPlaces(): Promise<void> {
  const { places } = await api<{ places: CodePlace[] }>('GET', '/api/exposure/regions')
  if (places.length === 0) {
    region.disabled = true
    fieldError(region, regionError, () => t('tracer.regionsMissing'))
    region.removeAttribute('aria-invalid')
    return
  }
  // Regions as groups, their districts inside; a region itself is a choice too.
  const groups = places
    .filter((p) => p.level === 'region')
    .map((r) =>
      el(
        'optgroup',
        { label: r.name },
        el('option', { value: r.code }, `${r.name} (${r.code})`),
        ...places
          .filter((d) => d.parent === r.code)
          .map((d) => el('option', { value: d.code }, `${d.name} (${d.code})`)),
      ),
    )
  region.append(...groups)
}

/** The day as the form holds it, or the words of what is wrong with it. */
function checkDate(): (() => string) | undefined {
  if (dateInput.value === '') return () => t('tracer.dateMissing')
  if (dateInput.value > dateInput.max) return () => t('tracer.dateFuture')
  return undefined
}

byId<HTMLFormElement>('issue').addEventListener('submit', async (event) => {
  event.preventDefault()
  fieldError(region, regionError)
  const dateProblem = checkDate()
  fieldError(dateInput, dateError, dateProblem)
  if (dateProblem !== undefined) {
    say(issueStatus, 'bad', () => t('tracer.fixField'))
    dateInput.focus()
    return
  }
  const testType = byId<HTMLSelectElement>('test-type').value
  const kind = byId<HTMLInputElement>('kind-test').checked ? 'testDate' : 'symptomDate'
  say(issueStatus, 'busy', () => t('tracer.issuing'))
  byId('issued').hidden = true
  try {
    const issued = await postJson<IssuedCode>('/api/exposure/codes', {
      testType,
      [kind]: dateInput.value,
      ...(region.value === '' ? {} : { region: region.value }),
    })
    byId('issued-short').textContent = issued.code
    byId('issued-short-exp').textContent = t('tracer.until', { time: at(issued.expiresAt) })
    byId('issued-long').textContent = issued.longCode
    byId('issued-long-exp').textContent = t('tracer.until', { time: at(issued.longExpiresAt) })
    byId('issued').hidden = false
    say(issueStatus, 'ok', () => t('tracer.issued'))
    await Promise.all([showHandover(issued, testType), loadCodes()])
  } catch (err) {
    const at = err instanceof FieldError ? err.field : undefined
    if (at === 'region' || at === 'symptomDate' || at === 'testDate') {
      const [input, node] = at === 'region' ? [region, regionError] : [dateInput, dateError]
      fieldError(input, node, () => describe(err))
      say(issueStatus, 'bad', () => t('tracer.fixField'))
      input.focus()
    } else say(issueStatus, 'bad', () => t('tracer.notIssued', { error: describe(err) }))
  }
})

byId<HTMLFormElement>('lookup').addEventListener('submit', async (event) => {
  event.preventDefault()
  say(lookupResult, 'info', () => '')
  const code = lookupInput.value.trim()
  fieldError(lookupInput, lookupError, code === '' ? () => t('tracer.lookupMissing') : undefined)
  if (code === '') return lookupInput.focus()
  try {
    const found = await postJson<CodeListItem>('/api/exposure/codes/lookup', { code })
    const words = () => ({
      type: testTypeWord(found.testType),
      issued: at(found.issuedAt),
      status: statusWord(found.status),
    })
    say(lookupResult, found.status === 'unused' ? 'ok' : 'info', () =>
      t('tracer.lookupFound', words()),
    )
  } catch (err) {
    if (err instanceof FieldError && err.code === 'NOT_FOUND')
      fieldError(lookupInput, lookupError, () => t('tracer.lookupNone'))
    else fieldError(lookupInput, lookupError, () => describe(err))
    lookupInput.focus()
  }
})

mountCodes()
mountHandover()
onLangChange(() => {
  sayAgain()
  redrawCodes()
  redrawHandover()
})

async function start(): Promise<void> {
  say(status, 'busy', () => t('tracer.checking'))
  const me = await whoAmI()
  if (me === undefined) {
    location.assign('/signin.html')
    return
  }
  if (!me.roles.includes('tracer')) {
    say(status, 'bad', () => t('tracer.notTracer'))
    return
  }
  dateInput.value = new Date().toISOString().slice(0, 10)
  dateInput.max = dateInput.value
  byId('tracer').hidden = false
  say(status, 'ok', () => t('tracer.signedIn', { name: me.name }))
  await Promise.all([loadPlaces(), loadCodes()])
}

start().catch((err) => say(status, 'bad', () => t('tracer.startFailed', { error: describe(err) })))
