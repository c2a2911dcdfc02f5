/**
 * The admin page (/admin.html, role admin): people and their roles (change, disable, see and end
 * sessions, re-enrol one who lost their passkeys), invitations (the link is shown once), and API
 * tokens (the secret is shown once). Each one-time secret has a copy button; each destructive
 * action asks first in a dialog; form errors are said in plain words at their field. Every change
 * lands in the audit trail on the server. English and Spanish (../i18n).
 */
import type {
  CreatedInvitation,
  CreatedToken,
  InvitationView,
  PersonSessionView,
  PersonView,
  TokenView,
} from '../../../src/core/api-types/index.ts'
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { ApiError, api, describe, ROLES, whoAmI } from './api.ts'
import {
  button,
  byId,
  el,
  focusableTables,
  hush,
  type Param,
  roleBoxes,
  roleName,
  say,
  when,
} from './dom.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

const status = byId('status')

focusableTables()
const NOTES = ['people-status', 'invite-status', 'token-status']

/** Each action starts clean: no status line or field error from an earlier one stays behind. */
function clearNotes(): void {
  for (const id of NOTES) hush(byId(id))
  for (const node of document.querySelectorAll<HTMLElement>('.field-error')) hush(node)
  for (const node of document.querySelectorAll('[aria-invalid]'))
    node.removeAttribute('aria-invalid')
}

/** A status line's words: a message key and its parameters. */
type Said = [MessageKey, Record<string, Param>?]

async function act(node: HTMLElement, work: () => Promise<Said>, reload: () => Promise<void>) {
  clearNotes()
  say(node, 'busy', 'staff.working')
  try {
    const [key, params] = await work()
    say(node, 'ok', key, params)
  } catch (err) {
    setErrorLine(node, err)
  }
  await reload()
}

/** A refused action's line: the error in words with its code, nothing else around it. */
function setErrorLine(node: HTMLElement, err: unknown): void {
  say(node, 'bad', 'staff.plain', { text: () => describe(err) })
}

const dialog = byId<HTMLDialogElement>('confirm')

/** Asks before a destructive action; true when the person confirmed. */
function confirmed(question: string, action: string): Promise<boolean> {
  byId('confirm-text').textContent = question
  byId('confirm-ok').textContent = action
  dialog.returnValue = ''
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true })
    dialog.showModal()
    byId('confirm-cancel').focus()
  })
}

/** `button` that runs `work` only after the dialog's yes. */
function guarded(label: string, question: () => string, run: () => void): HTMLButtonElement {
  return button(label, () => {
    void confirmed(question(), label).then((yes) => {
      if (yes) run()
    })
  })
}

/** The copy button next to a one-time secret: the text goes to the clipboard, and it says so. */
function copier(buttonId: string, sourceId: string, noteId: string): void {
  byId(buttonId).addEventListener('click', () => {
    const note = byId(noteId)
    navigator.clipboard.writeText(byId(sourceId).textContent ?? '').then(
      () => say(note, 'info', 'admin.copied'),
      () => say(note, 'info', 'admin.copyFailed'),
    )
  })
}
copier('invite-copy', 'invite-link', 'invite-copied')
copier('token-copy', 'token-secret', 'token-copied')
copier('reenrol-copy', 'reenrol-link', 'reenrol-copied')

/** Plain words for each form field the server may name in a VALIDATION problem. */
const FIELD_WORDS: Record<string, MessageKey> = {
  name: 'admin.field.name',
  roles: 'admin.field.roles',
  expiresInHours: 'admin.field.expiresInHours',
  expiresInDays: 'admin.field.expiresInDays',
}

/**
 * A form's submission: the name and roles are checked here first (no role is ticked by default,
 * so a forgotten choice is caught before the request), and a VALIDATION answer naming a field is
 * shown at that field, in the words above, instead of the schema's message.
 */
async function submitForm(
  prefix: 'invite' | 'token',
  fields: Record<string, string>,
  local: { name: string; roles: string[] },
  work: () => Promise<Said>,
  reload: () => Promise<void>,
): Promise<void> {
  const note = byId(`${prefix}-status`)
  const showAt = (field: string) => {
    const suffix = fields[field]
    if (suffix === undefined) return false
    say(byId(`${prefix}-${suffix}-error`), 'info', FIELD_WORDS[field] ?? 'admin.field.other')
    document.getElementById(`${prefix}-${suffix}`)?.setAttribute('aria-invalid', 'true')
    return true
  }
  clearNotes()
  const missing = [
    ...(local.name.trim() === '' ? ['name'] : []),
    ...(local.roles.length === 0 ? ['roles'] : []),
  ]
  if (missing.length > 0) {
    for (const field of missing) showAt(field)
    // The first field at fault takes the focus, so a keyboard or screen-reader user lands there.
    const first =
      missing[0] === 'name'
        ? byId(`${prefix}-name`)
        : byId(`${prefix}-roles`).querySelector<HTMLInputElement>('input')
    first?.focus()
    say(
      note,
      'bad',
      missing.includes('roles') && missing.length === 1
        ? 'admin.notCreatedRoles'
        : 'admin.notCreatedField',
    )
    return
  }
  say(note, 'busy', 'staff.working')
  try {
    const [key, params] = await work()
    say(note, 'ok', key, params)
  } catch (err) {
    const field = err instanceof ApiError && err.code === 'VALIDATION' ? err.field : undefined
    if (field !== undefined && showAt(field.split('.')[0] as string))
      say(note, 'bad', 'admin.notCreatedField')
    else setErrorLine(note, err)
  }
  await reload()
}

/**
 * One table row per item: its cells as text, then a Revoke button (DELETE `path`) while the
 * item is still live. Invitations and tokens are listed this way.
 */
function revocableRows<T>(
  items: readonly T[],
  how: {
    cells: (item: T) => string[]
    /** Each cell's column, named on a phone where the row is a card (staff.css table.stack). */
    labels: MessageKey[]
    live: (item: T) => boolean
    path: (item: T) => string
    done: (item: T) => Said
    question: (item: T) => string
    note: HTMLElement
    reload: () => Promise<void>
  },
): HTMLTableRowElement[] {
  return items.map((item) =>
    el(
      'tr',
      {},
      ...how
        .cells(item)
        .map((text, i) =>
          el('td', i === 0 ? {} : { 'data-label': t(how.labels[i] as MessageKey) }, text),
        ),
      el(
        'td',
        {},
        how.live(item)
          ? guarded(
              t('admin.revoke'),
              () => how.question(item),
              () =>
                void act(
                  how.note,
                  async () => {
                    await api('DELETE', how.path(item))
                    return how.done(item)
                  },
                  how.reload,
                ),
            )
          : undefined,
      ),
    ),
  )
}

const roleList = (roles: readonly string[]) => roles.map(roleName).join(', ')

// ---- People -----------------------------------------------------------------------------------

/** The person whose sessions are listed, if any (the list follows reloads and the language). */
let sessionsOf: PersonView | undefined

async function loadSessions(): Promise<void> {
  const p = sessionsOf
  const box = byId('sessions-box')
  if (p === undefined) {
    box.hidden = true
    return
  }
  const note = byId('people-status')
  const { sessions } = await api<{ sessions: PersonSessionView[] }>(
    'GET',
    `/api/staff/people/${p.id}/sessions`,
  )
  byId('sessions-heading').textContent = t('admin.sessionsHeading', { name: p.name })
  byId('sessions').replaceChildren(
    ...sessions.map((s) =>
      el(
        'tr',
        { 'data-session': s.id },
        el('td', { 'data-label': t('admin.col.started') }, when(s.createdAt)),
        el('td', { 'data-label': t('admin.col.lastSeen') }, when(s.lastSeenAt)),
        el('td', { 'data-label': t('admin.col.ends') }, when(s.expiresAt)),
        el(
          'td',
          {},
          guarded(
            t('admin.endSession'),
            () => t('admin.endSessionQuestion', { name: p.name, when: when(s.createdAt) }),
            () =>
              void act(
                note,
                async () => {
                  await api('DELETE', `/api/staff/people/${p.id}/sessions/${s.id}`)
                  return ['admin.sessionEnded', { name: p.name, when: when(s.createdAt) }]
                },
                loadPeople,
              ),
          ),
        ),
      ),
    ),
  )
  box.hidden = false
}

async function showSessions(p: PersonView): Promise<Said> {
  sessionsOf = p
  const { sessions } = await api<{ sessions: PersonSessionView[] }>(
    'GET',
    `/api/staff/people/${p.id}/sessions`,
  )
  if (sessions.length === 0) return ['admin.noSessions', { name: p.name }]
  const last =
    sessions
      .map((x) => x.lastSeenAt)
      .sort()
      .at(-1) ?? null
  return sessions.length === 1
    ? ['admin.oneSession', { name: p.name, when: when(last) }]
    : ['admin.someSessions', { name: p.name, count: sessions.length, when: when(last) }]
}

async function loadPeople(): Promise<void> {
  const { people } = await api<{ people: PersonView[] }>('GET', '/api/staff/people')
  const note = byId('people-status')
  byId('people').replaceChildren(
    ...people.map((p) => {
      const roles = roleBoxes(t('admin.rolesOf', { name: p.name }), ROLES, p.roles)
      const disabled = p.disabledAt !== null
      const toggle = () =>
        void act(
          note,
          async () => {
            await api('PATCH', `/api/staff/people/${p.id}`, { disabled: !disabled })
            return [disabled ? 'admin.enabledDone' : 'admin.disabledDone', { name: p.name }]
          },
          loadPeople,
        )
      return el(
        'tr',
        { 'data-person': p.id },
        el('td', {}, p.name),
        el('td', {}, roles.fieldset),
        el('td', { 'data-label': t('admin.col.passkeys') }, String(p.passkeys)),
        el('td', { 'data-label': t('admin.col.lastSignIn') }, when(p.lastSignInAt)),
        el(
          'td',
          { 'data-label': t('admin.col.status') },
          t(disabled ? 'admin.person.disabled' : 'admin.person.active'),
        ),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'row' },
            button(
              t('admin.saveRoles'),
              () =>
                void act(
                  note,
                  async () => {
                    await api('PATCH', `/api/staff/people/${p.id}`, { roles: roles.read() })
                    return ['admin.rolesSaved', { name: p.name }]
                  },
                  loadPeople,
                ),
            ),
            disabled
              ? button(t('admin.enable'), toggle)
              : guarded(
                  t('admin.disable'),
                  () => t('admin.disableQuestion', { name: p.name }),
                  toggle,
                ),
            button(t('admin.sessions'), () => void act(note, () => showSessions(p), loadPeople)),
            guarded(
              t('admin.signOutEverywhere'),
              () => t('admin.signOutQuestion', { name: p.name }),
              () =>
                void act(
                  note,
                  async () => {
                    await api('DELETE', `/api/staff/people/${p.id}/sessions`)
                    return ['admin.signedOut', { name: p.name }]
                  },
                  loadPeople,
                ),
            ),
            disabled
              ? undefined
              : guarded(
                  t('admin.reenrol'),
                  () => t('admin.reenrolQuestion', { name: p.name }),
                  () =>
                    void act(
                      note,
                      async () => {
                        const created = await api<CreatedInvitation>(
                          'POST',
                          `/api/staff/people/${p.id}/reenrol`,
                          {},
                        )
                        byId('reenrol-name').textContent = p.name
                        byId('reenrol-link').textContent = created.link
                        hush(byId('reenrol-copied'))
                        byId('reenrol-box').hidden = false
                        return [
                          'admin.reenrolCreated',
                          { name: p.name, when: when(created.expiresAt) },
                        ]
                      },
                      loadPeople,
                    ),
                ),
          ),
        ),
      )
    }),
  )
  await loadSessions()
}

// ---- Invitations --------------------------------------------------------------------------------

let inviteRoles = roleBoxes(t('admin.roles'), ROLES)
byId('invite-roles').append(inviteRoles.fieldset)

async function loadInvitations(): Promise<void> {
  const { invitations } = await api<{ invitations: InvitationView[] }>(
    'GET',
    '/api/staff/invitations',
  )
  byId('invitations').replaceChildren(
    ...revocableRows(invitations.reverse(), {
      cells: (i) => [
        i.name,
        roleList(i.roles),
        t(`admin.invitation.${i.status}`),
        when(i.expiresAt),
      ],
      labels: ['admin.col.name', 'admin.col.roles', 'admin.col.status', 'admin.col.expires'],
      live: (i) => i.status === 'pending',
      path: (i) => `/api/staff/invitations/${i.id}`,
      done: (i) => ['admin.invitationRevoked', { name: i.name }],
      question: (i) => t('admin.invitationQuestion', { name: i.name }),
      note: byId('invite-status'),
      reload: loadInvitations,
    }),
  )
}

byId<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const name = byId<HTMLInputElement>('invite-name').value
  void submitForm(
    'invite',
    { name: 'name', roles: 'roles', expiresInHours: 'hours' },
    { name, roles: inviteRoles.read() },
    async () => {
      const created = await api<CreatedInvitation>('POST', '/api/staff/invitations', {
        name,
        roles: inviteRoles.read(),
        expiresInHours: Number(byId<HTMLInputElement>('invite-hours').value),
      })
      byId('invite-link').textContent = created.link
      hush(byId('invite-copied'))
      byId('invite-link-box').hidden = false
      return ['admin.invitationCreated', { name: created.name }]
    },
    loadInvitations,
  )
})

// ---- API tokens ---------------------------------------------------------------------------------

let tokenRoles = roleBoxes(t('admin.roles'), ROLES)
byId('token-roles').append(tokenRoles.fieldset)

async function loadTokens(): Promise<void> {
  const { tokens } = await api<{ tokens: TokenView[] }>('GET', '/api/tokens')
  byId('tokens').replaceChildren(
    ...revocableRows(tokens.reverse(), {
      cells: (k) => [
        k.name,
        roleList(k.roles),
        t(`admin.token.${k.status}`),
        when(k.expiresAt),
        when(k.lastUsedAt),
      ],
      labels: [
        'admin.col.name',
        'admin.col.roles',
        'admin.col.status',
        'admin.col.expires',
        'admin.col.lastUsed',
      ],
      live: (k) => k.status === 'active',
      path: (k) => `/api/tokens/${k.id}`,
      done: (k) => ['admin.tokenRevoked', { name: k.name }],
      question: (k) => t('admin.tokenQuestion', { name: k.name }),
      note: byId('token-status'),
      reload: loadTokens,
    }),
  )
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const name = byId<HTMLInputElement>('token-name').value
  void submitForm(
    'token',
    { name: 'name', roles: 'roles', expiresInDays: 'days' },
    { name, roles: tokenRoles.read() },
    async () => {
      const created = await api<CreatedToken>('POST', '/api/tokens', {
        name,
        roles: tokenRoles.read(),
        expiresInDays: Number(byId<HTMLInputElement>('token-days').value),
      })
      byId('token-secret').textContent = created.token
      hush(byId('token-copied'))
      byId('token-box').hidden = false
      return ['admin.tokenCreated', { name: created.name }]
    },
    loadTokens,
  )
})

/** The role boxes in the new language, keeping what is ticked. */
function relabelRoleBoxes(): void {
  const keep = (box: { read: () => string[] }, id: string) => {
    const next = roleBoxes(t('admin.roles'), ROLES, box.read())
    byId(id).replaceChildren(next.fieldset)
    return next
  }
  inviteRoles = keep(inviteRoles, 'invite-roles')
  tokenRoles = keep(tokenRoles, 'token-roles')
}

async function loadAll(): Promise<void> {
  await Promise.all([loadPeople(), loadInvitations(), loadTokens()])
}

async function start(): Promise<void> {
  const me = await whoAmI()
  if (me === undefined) {
    location.assign('/signin.html')
    return
  }
  if (!me.roles.includes('admin')) {
    say(status, 'bad', 'admin.notAdmin')
    return
  }
  // Registered before the first load: a language chosen while the lists load redraws them too
  // (rows drawn before the switch kept the old language, as a full CI run caught).
  onLangChange(() => {
    focusableTables()
    relabelRoleBoxes()
    void loadAll()
  })
  await loadAll()
  byId('admin').hidden = false
  say(status, 'ok', 'admin.signedIn', { name: me.name })
}

start().catch((err) => say(status, 'bad', 'admin.loadFailed', { error: () => describe(err) }))
