/**
 * The staff console shell (/console.html): who am I, my passkeys (add, rename, remove), sign out
 * here or everywhere, and — for admins and auditors — the audit trail. Later issues add their
 * work pages to WORK. Without a live session it sends you to sign in.
 */
import { startRegistration } from '@simplewebauthn/browser'
import type { AuditPage, PasskeyView, Role } from '../../../src/core/api-types/index.ts'
import { api, describe, type Me, whoAmI } from './api.ts'
import { button, byId, el, setState, when } from './dom.ts'

/** Work pages by role (later issues add theirs). */
const WORK: { roles: Role[]; href: string; label: string }[] = [
  { roles: ['admin'], href: '/admin.html', label: 'People, roles, invitations and API tokens' },
  { roles: ['auditor', 'admin'], href: '/log.html', label: 'Transparency log' },
  { roles: ['tracer'], href: '/tracer.html', label: 'Verification codes for positive tests' },
  { roles: ['epidemiologist'], href: '/dashboard', label: 'Surveillance dashboard' },
]

const status = byId('status')
const passkeysStatus = byId('passkeys-status')
let me: Me

async function load(): Promise<void> {
  const found = await whoAmI()
  if (found === undefined) {
    location.assign('/signin.html')
    return
  }
  me = found
  byId('me-name').textContent = me.name
  byId('me-roles').textContent = me.roles.join(', ')
  byId('me-session').textContent =
    `${when(me.session.idleExpiresAt)} if idle, ${when(me.session.expiresAt)} at the latest`
  byId('work-links').replaceChildren(
    ...WORK.filter((w) => w.roles.some((r) => me.roles.includes(r))).map((w) =>
      el('li', {}, el('a', { href: w.href }, w.label)),
    ),
  )
  showPasskeys(me.passkeys)
  byId('console').hidden = false
  setState(status, 'ok', `Signed in as ${me.name}.`)
  if (me.roles.includes('admin') || me.roles.includes('auditor')) {
    byId('audit').hidden = false
    await loadAudit(false)
  }
}

function showPasskeys(passkeys: PasskeyView[]): void {
  byId('passkeys').replaceChildren(
    ...passkeys.map((p) =>
      el(
        'tr',
        {},
        el('td', {}, p.name),
        el('td', {}, when(p.createdAt)),
        el('td', {}, when(p.lastUsedAt)),
        el('td', {}, p.deviceType === 'multiDevice' ? 'synced' : 'this device only'),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'row' },
            button('Rename', () => void rename(p), { 'aria-label': `Rename ${p.name}` }),
            button('Remove', () => void remove(p), { 'aria-label': `Remove ${p.name}` }),
          ),
        ),
      ),
    ),
  )
}

async function refreshPasskeys(): Promise<void> {
  const found = await whoAmI()
  if (found !== undefined) showPasskeys(found.passkeys)
}

async function guarded(action: () => Promise<string>): Promise<void> {
  setState(passkeysStatus, 'busy', 'Working…')
  try {
    setState(passkeysStatus, 'ok', await action())
    await refreshPasskeys()
  } catch (err) {
    setState(passkeysStatus, 'bad', describe(err))
  }
}

function rename(p: PasskeyView): Promise<void> {
  const name = prompt(`New name for “${p.name}”`, p.name)?.trim()
  if (!name) return Promise.resolve()
  return guarded(async () => {
    await api('PATCH', `/api/staff/me/passkeys/${p.id}`, { name })
    return `Renamed to ${name}.`
  })
}

function remove(p: PasskeyView): Promise<void> {
  if (!confirm(`Remove the passkey “${p.name}”? It will no longer sign you in.`))
    return Promise.resolve()
  return guarded(async () => {
    await api('DELETE', `/api/staff/me/passkeys/${p.id}`)
    return `Removed ${p.name}.`
  })
}

byId<HTMLFormElement>('add-passkey').addEventListener('submit', (event) => {
  event.preventDefault()
  const name = byId<HTMLInputElement>('new-passkey-name').value.trim() || 'Passkey'
  void guarded(async () => {
    const { options } = await api<{
      options: Parameters<typeof startRegistration>[0]['optionsJSON']
    }>('POST', '/api/staff/me/passkeys/options')
    const response = await startRegistration({ optionsJSON: options })
    await api('POST', '/api/staff/me/passkeys', { response, name })
    return `Added the passkey ${name}.`
  })
})

async function signOut(path: string): Promise<void> {
  try {
    await api('POST', path)
  } catch (err) {
    setState(status, 'bad', `Could not sign out: ${describe(err)}.`)
    return
  }
  location.assign('/signin.html')
}
byId('sign-out').addEventListener('click', () => void signOut('/api/staff/sign-out'))
byId('sign-out-everywhere').addEventListener(
  'click',
  () => void signOut('/api/staff/sign-out-everywhere'),
)

// ---- Audit trail ----------------------------------------------------------------------------

let next: number | null = null

async function loadAudit(more: boolean): Promise<void> {
  const auditStatus = byId('audit-status')
  const params = new URLSearchParams({ limit: '25' })
  const action = byId<HTMLInputElement>('audit-action').value.trim()
  const actor = byId<HTMLInputElement>('audit-actor').value.trim()
  if (action !== '') params.set('action', action)
  if (actor !== '') params.set('actor', actor)
  // The CSV download follows the filters shown (the export ignores the page size).
  const csv = new URLSearchParams(params)
  csv.delete('limit')
  byId<HTMLAnchorElement>('audit-csv').href = `/api/audit.csv${csv.size > 0 ? `?${csv}` : ''}`
  if (more && next !== null) params.set('before', String(next))
  try {
    const page = await api<AuditPage>('GET', `/api/audit?${params}`)
    const rows = page.events.map((e) =>
      el(
        'tr',
        { 'data-action': e.action },
        el('td', {}, when(e.at)),
        el('td', {}, el('code', {}, e.action)),
        el('td', {}, `${e.actor.name} (${e.actor.kind} ${e.actor.id})`),
        el('td', {}, e.role ?? '—'),
        el('td', {}, e.targetId ?? '—'),
        el('td', {}, el('code', {}, e.requestId?.slice(0, 8) ?? '—')),
      ),
    )
    const body = byId('audit-events')
    if (more) body.append(...rows)
    else body.replaceChildren(...rows)
    next = page.next
    byId('audit-more').hidden = next === null
    setState(auditStatus, 'info', page.events.length === 0 && !more ? 'No events match.' : '')
  } catch (err) {
    setState(auditStatus, 'bad', `The audit trail could not be read: ${describe(err)}.`)
  }
}
byId<HTMLFormElement>('audit-filter').addEventListener('submit', (event) => {
  event.preventDefault()
  void loadAudit(false)
})
byId('audit-more').addEventListener('click', () => void loadAudit(true))

load().catch((err) => setState(status, 'bad', `The console could not load: ${describe(err)}.`))
