/**
 * The staff console shell (/console.html): who am I, my passkeys (add, rename, remove), sign out
 * here or everywhere, and — for admins and auditors — the audit trail. Later issues add their
 * work pages to WORK. Without a live session it sends you to sign in. English and Spanish.
 */
import { startRegistration } from '@simplewebauthn/browser'
import type { AuditPage, PasskeyView, Role } from '../../../src/core/api-types/index.ts'
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe, type Me, whoAmI } from './api.ts'
import { button, byId, el, focusableTables, hush, roleName, say, suggest, when } from './dom.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))
focusableTables()
suggest(byId<HTMLInputElement>('new-passkey-name'), 'enrol.defaultName')

/** Work pages by role (later issues add theirs). */
const WORK: { roles: Role[]; href: string; label: MessageKey }[] = [
  { roles: ['admin'], href: '/admin.html', label: 'console.work.admin' },
  { roles: ['issuer'], href: '/issuer.html', label: 'console.work.issuer' },
  { roles: ['auditor', 'admin'], href: '/log.html', label: 'console.work.log' },
  { roles: ['tracer'], href: '/tracer.html', label: 'console.work.tracer' },
  { roles: ['epidemiologist'], href: '/dashboard', label: 'console.work.dashboard' },
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
  showMe()
  byId('console').hidden = false
  say(status, 'ok', 'console.signedIn', { name: me.name })
  const audits = me.roles.includes('admin') || me.roles.includes('auditor')
  // Registered before the trail loads: a language chosen meanwhile redraws it too.
  onLangChange(() => {
    focusableTables()
    showMe()
    if (audits) void loadAudit(false)
  })
  if (audits) {
    byId('audit').hidden = false
    await loadAudit(false)
  }
}

/** Who I am, my work pages and my passkeys, in the page language. */
function showMe(): void {
  byId('me-name').textContent = me.name
  byId('me-roles').textContent = me.roles.map(roleName).join(', ')
  byId('me-session').textContent = t('console.sessionEndsValue', {
    idle: when(me.session.idleExpiresAt),
    end: when(me.session.expiresAt),
  })
  byId('work-links').replaceChildren(
    ...WORK.filter((w) => w.roles.some((r) => me.roles.includes(r))).map((w) =>
      el('li', {}, el('a', { href: w.href }, t(w.label))),
    ),
  )
  showPasskeys(me.passkeys)
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
        el('td', {}, t(p.deviceType === 'multiDevice' ? 'console.synced' : 'console.thisDevice')),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'row' },
            button(t('console.rename'), () => void rename(p), {
              'aria-label': t('console.renameLabel', { name: p.name }),
            }),
            button(t('console.remove'), () => void remove(p), {
              'aria-label': t('console.removeLabel', { name: p.name }),
            }),
          ),
        ),
      ),
    ),
  )
}

async function refreshPasskeys(): Promise<void> {
  const found = await whoAmI()
  if (found !== undefined) {
    me = found
    showPasskeys(found.passkeys)
  }
}

async function guarded(action: () => Promise<[MessageKey, { name: string }]>): Promise<void> {
  say(passkeysStatus, 'busy', 'staff.working')
  try {
    const [key, params] = await action()
    say(passkeysStatus, 'ok', key, params)
    await refreshPasskeys()
  } catch (err) {
    say(passkeysStatus, 'bad', 'staff.plain', { text: () => describe(err) })
  }
}

function rename(p: PasskeyView): Promise<void> {
  const name = prompt(t('console.renamePrompt', { name: p.name }), p.name)?.trim()
  if (!name) return Promise.resolve()
  return guarded(async () => {
    await api('PATCH', `/api/staff/me/passkeys/${p.id}`, { name })
    return ['console.renamed', { name }]
  })
}

function remove(p: PasskeyView): Promise<void> {
  if (!confirm(t('console.removeQuestion', { name: p.name }))) return Promise.resolve()
  return guarded(async () => {
    await api('DELETE', `/api/staff/me/passkeys/${p.id}`)
    return ['console.removed', { name: p.name }]
  })
}

byId<HTMLFormElement>('add-passkey').addEventListener('submit', (event) => {
  event.preventDefault()
  const name = byId<HTMLInputElement>('new-passkey-name').value.trim() || t('enrol.defaultName')
  void guarded(async () => {
    const { options } = await api<{
      options: Parameters<typeof startRegistration>[0]['optionsJSON']
    }>('POST', '/api/staff/me/passkeys/options')
    const response = await startRegistration({ optionsJSON: options })
    await api('POST', '/api/staff/me/passkeys', { response, name })
    return ['console.added', { name }]
  })
})

async function signOut(path: string): Promise<void> {
  try {
    await api('POST', path)
  } catch (err) {
    say(status, 'bad', 'console.signOutFailed', { error: () => describe(err) })
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
        { 'data-action': e.action, 'data-id': String(e.id) },
        el('td', {}, when(e.at)),
        el('td', {}, el('code', {}, e.action)),
        el('td', {}, `${e.actor.name} (${e.actor.kind} ${e.actor.id})`),
        el('td', {}, e.role === null ? '—' : roleName(e.role)),
        el('td', {}, e.targetId ?? '—'),
        el('td', {}, el('code', {}, e.requestId?.slice(0, 8) ?? '—')),
      ),
    )
    const body = byId('audit-events')
    if (more) body.append(...rows)
    else body.replaceChildren(...rows)
    next = page.next
    byId('audit-more').hidden = next === null
    if (page.events.length === 0 && !more) say(auditStatus, 'info', 'console.auditNone')
    else hush(auditStatus)
  } catch (err) {
    say(auditStatus, 'bad', 'console.auditFailed', { error: () => describe(err) })
  }
}
byId<HTMLFormElement>('audit-filter').addEventListener('submit', (event) => {
  event.preventDefault()
  void loadAudit(false)
})
byId('audit-more').addEventListener('click', () => void loadAudit(true))

load().catch((err) => say(status, 'bad', 'console.loadFailed', { error: () => describe(err) }))
