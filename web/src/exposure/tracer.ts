/**
 * The tracer's page (role tracer, staff session): issue a verification code for a test result,
 * follow the status of the codes issued from this browser (their ids are kept in localStorage,
 * never the codes, and forgotten once the server has deleted the code), and revoke an unused one.
 */
import type { CodeStatus, CodeStatusView, IssuedCode } from '../../../src/core/api-types/index.ts'
import { api, describe, whoAmI } from '../staff/api.ts'
import { button, byId, el, setState, when } from '../staff/dom.ts'

interface Remembered {
  id: string
  issuedAt: string
}

const STORE = 'vigil.tracer.codes'
const status = byId('status')
const issueStatus = byId('issue-status')
const codesStatus = byId('codes-status')
const dateInput = byId<HTMLInputElement>('date')

function remembered(): Remembered[] {
  try {
    const list = JSON.parse(localStorage.getItem(STORE) ?? '[]')
    return Array.isArray(list) ? (list as Remembered[]) : []
  } catch {
    return []
  }
}

function remember(list: Remembered[]): void {
  localStorage.setItem(STORE, JSON.stringify(list.slice(0, 200)))
}

const WORDS: Record<CodeStatus, string> = {
  unused: 'Unused',
  used: 'Used',
  expired: 'Expired',
  revoked: 'Revoked',
}

/** The server deletes a code 12 h after its long code expires, 36 h after issuing (retention). */
const RETAINED_MS = 36 * 3_600_000

async function loadCodes(): Promise<void> {
  const all = remembered()
  const list = all.filter((r) => Date.parse(r.issuedAt) > Date.now() - RETAINED_MS)
  if (list.length !== all.length) remember(list)
  if (list.length === 0) {
    byId('codes').replaceChildren(el('tr', {}, el('td', { colspan: '5' }, 'No codes yet.')))
    setState(codesStatus, 'info', '')
    return
  }
  setState(codesStatus, 'busy', 'Loading status…')
  const rows = await Promise.all(
    list.map(async (r) => {
      try {
        return { r, s: await api<CodeStatusView>('GET', `/api/exposure/codes/${r.id}`) }
      } catch (err) {
        return { r, err: describe(err) }
      }
    }),
  )
  byId('codes').replaceChildren(
    ...rows.map(({ r, s, err }) =>
      el(
        'tr',
        { 'data-id': r.id },
        el('td', {}, when(r.issuedAt)),
        el('td', {}, s?.testType ?? '—'),
        el('td', { class: 'code-status' }, s === undefined ? `Unknown: ${err}` : WORDS[s.status]),
        el('td', {}, s === undefined ? '—' : when(s.longExpiresAt)),
        el(
          'td',
          {},
          s?.status === 'unused'
            ? button('Revoke', () => void revoke(r.id), {
                'aria-label': `Revoke the code issued ${when(r.issuedAt)}`,
              })
            : undefined,
        ),
      ),
    ),
  )
  setState(codesStatus, 'ok', `Status of ${rows.length} code(s) loaded.`)
}

async function revoke(id: string): Promise<void> {
  try {
    await api<CodeStatusView>('POST', `/api/exposure/codes/${id}/revoke`)
    setState(codesStatus, 'ok', 'Code revoked; it can no longer be used.')
    await loadCodes()
  } catch (err) {
    setState(codesStatus, 'bad', `Not revoked: ${describe(err)}`)
  }
}

byId<HTMLFormElement>('issue').addEventListener('submit', async (event) => {
  event.preventDefault()
  const testType = byId<HTMLSelectElement>('test-type').value
  const kind = byId<HTMLInputElement>('kind-test').checked ? 'testDate' : 'symptomDate'
  if (dateInput.value === '') {
    setState(issueStatus, 'bad', 'Choose the day (code DATE_MISSING).')
    dateInput.focus()
    return
  }
  setState(issueStatus, 'busy', 'Issuing…')
  try {
    const issued = await api<IssuedCode>('POST', '/api/exposure/codes', {
      testType,
      [kind]: dateInput.value,
    })
    remember([{ id: issued.id, issuedAt: new Date().toISOString() }, ...remembered()])
    byId('issued-short').textContent = issued.code
    byId('issued-short-exp').textContent = when(issued.expiresAt)
    byId('issued-long').textContent = issued.longCode
    byId('issued-long-exp').textContent = when(issued.longExpiresAt)
    byId('issued').hidden = false
    setState(issueStatus, 'ok', 'Code issued. Read it to the person now; it is not shown again.')
    await loadCodes()
  } catch (err) {
    setState(issueStatus, 'bad', `Not issued: ${describe(err)}`)
  }
})

byId('refresh').addEventListener('click', () => void loadCodes())
byId('forget').addEventListener('click', () => {
  remember([])
  void loadCodes()
})

async function start(): Promise<void> {
  const me = await whoAmI()
  if (me === undefined) {
    location.assign('/signin.html')
    return
  }
  if (!me.roles.includes('tracer')) {
    setState(status, 'bad', 'This page is for contact tracers (role tracer).')
    return
  }
  dateInput.value = new Date().toISOString().slice(0, 10)
  dateInput.max = dateInput.value
  byId('tracer').hidden = false
  setState(status, 'ok', `Signed in as ${me.name} (tracer).`)
  await loadCodes()
}

start().catch((err) => setState(status, 'bad', `The page could not start: ${describe(err)}`))
