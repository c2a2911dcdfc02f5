/**
 * The admin page (/admin.html, role admin): people and their roles (change, disable, sign out
 * everywhere, re-enrol one who lost their passkeys), invitations (the link is shown once), and API
 * tokens (the secret is shown once). Each one-time secret has a copy button; each destructive
 * action asks first in a dialog; form errors are said in plain words at their field. Every change
 * lands in the audit trail on the server.
 */
import type {
  CreatedInvitation,
  CreatedToken,
  InvitationView,
  PersonSessionView,
  PersonView,
  TokenView,
} from '../../../src/core/api-types/index.ts'
import { ApiError, api, describe, ROLES, whoAmI } from './api.ts'
import { button, byId, el, roleBoxes, setState, when } from './dom.ts'

const status = byId('status')

// A table that scrolls sideways at 360 px must be reachable by keyboard (WCAG 2.1.1; axe
// scrollable-region-focusable): a focusable region named by the table's caption.
for (const wrap of document.querySelectorAll<HTMLElement>('.table-wrap')) {
  wrap.tabIndex = 0
  wrap.setAttribute('role', 'region')
  wrap.setAttribute('aria-label', wrap.querySelector('caption')?.textContent ?? '')
}
const NOTES = ['people-status', 'invite-status', 'token-status']

/** Each action starts clean: no status line or field error from an earlier one stays behind. */
function clearNotes(): void {
  for (const id of NOTES) setState(byId(id), 'info', '')
  for (const node of document.querySelectorAll<HTMLElement>('.field-error')) node.textContent = ''
  for (const node of document.querySelectorAll('[aria-invalid]'))
    node.removeAttribute('aria-invalid')
}

async function act(node: HTMLElement, work: () => Promise<string>, reload: () => Promise<void>) {
  clearNotes()
  setState(node, 'busy', 'Working…')
  try {
    setState(node, 'ok', await work())
  } catch (err) {
    setState(node, 'bad', describe(err))
  }
  await reload()
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
function guarded(label: string, question: string, run: () => void): HTMLButtonElement {
  return button(label, () => {
    void confirmed(question, label).then((yes) => {
      if (yes) run()
    })
  })
}

/** The copy button next to a one-time secret: the text goes to the clipboard, and it says so. */
function copier(buttonId: string, sourceId: string, noteId: string): void {
  byId(buttonId).addEventListener('click', () => {
    const note = byId(noteId)
    navigator.clipboard.writeText(byId(sourceId).textContent ?? '').then(
      () => {
        note.textContent = 'Copied.'
      },
      () => {
        note.textContent = 'Could not copy: select the text and copy it by hand.'
      },
    )
  })
}
copier('invite-copy', 'invite-link', 'invite-copied')
copier('token-copy', 'token-secret', 'token-copied')
copier('reenrol-copy', 'reenrol-link', 'reenrol-copied')

/** Plain words for each form field the server may name in a VALIDATION problem. */
const FIELD_WORDS: Record<string, string> = {
  name: 'Enter a name (1 to 100 characters).',
  roles: 'Choose at least one role.',
  expiresInHours: 'Enter a whole number of hours from 1 to 336.',
  expiresInDays: 'Enter a whole number of days from 1 to 365.',
}

/**
 * A form's submission: the roles are checked here first (none is ticked by default, so a
 * forgotten choice is caught before the request), and a VALIDATION answer naming a field is shown
 * at that field, in the words above, instead of the schema's message.
 */
async function submitForm(
  prefix: 'invite' | 'token',
  fields: Record<string, string>,
  roles: string[],
  work: () => Promise<string>,
  reload: () => Promise<void>,
): Promise<void> {
  const note = byId(`${prefix}-status`)
  const showAt = (field: string) => {
    const suffix = fields[field]
    if (suffix === undefined) return false
    byId(`${prefix}-${suffix}-error`).textContent = FIELD_WORDS[field] ?? 'Check this field.'
    const input = document.getElementById(`${prefix}-${suffix}`)
    input?.setAttribute('aria-invalid', 'true')
    if (input instanceof HTMLInputElement) input.focus()
    return true
  }
  clearNotes()
  if (roles.length === 0) {
    showAt('roles')
    setState(note, 'bad', 'Not created: choose at least one role.')
    return
  }
  setState(note, 'busy', 'Working…')
  try {
    setState(note, 'ok', await work())
  } catch (err) {
    const field = err instanceof ApiError && err.code === 'VALIDATION' ? err.field : undefined
    if (field !== undefined && showAt(field.split('.')[0] as string))
      setState(note, 'bad', 'Not created: correct the field marked above.')
    else setState(note, 'bad', describe(err))
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
    live: (item: T) => boolean
    path: (item: T) => string
    done: (item: T) => string
    question: (item: T) => string
    note: HTMLElement
    reload: () => Promise<void>
  },
): HTMLTableRowElement[] {
  return items.map((item) =>
    el(
      'tr',
      {},
      ...how.cells(item).map((text) => el('td', {}, text)),
      el(
        'td',
        {},
        how.live(item)
          ? guarded(
              'Revoke',
              how.question(item),
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

// ---- People -----------------------------------------------------------------------------------

async function loadPeople(): Promise<void> {
  const { people } = await api<{ people: PersonView[] }>('GET', '/api/staff/people')
  const note = byId('people-status')
  byId('people').replaceChildren(
    ...people.map((p) => {
      const roles = roleBoxes(`Roles of ${p.name}`, ROLES, p.roles)
      const disabled = p.disabledAt !== null
      return el(
        'tr',
        {},
        el('td', {}, p.name),
        el('td', {}, roles.fieldset),
        el('td', {}, String(p.passkeys)),
        el('td', {}, when(p.lastSignInAt)),
        el('td', {}, disabled ? 'disabled' : 'active'),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'row' },
            button(
              'Save roles',
              () =>
                void act(
                  note,
                  async () => {
                    await api('PATCH', `/api/staff/people/${p.id}`, { roles: roles.read() })
                    return `Roles of ${p.name} saved.`
                  },
                  loadPeople,
                ),
            ),
            (disabled
              ? button
              : (label: string, run: () => void) =>
                  guarded(
                    label,
                    `Disable ${p.name}? They are signed out at once and cannot sign in until enabled.`,
                    run,
                  ))(
              disabled ? 'Enable' : 'Disable',
              () =>
                void act(
                  note,
                  async () => {
                    await api('PATCH', `/api/staff/people/${p.id}`, { disabled: !disabled })
                    return `${p.name} is ${disabled ? 'enabled' : 'disabled'}.`
                  },
                  loadPeople,
                ),
            ),
            button(
              'Sessions',
              () =>
                void act(
                  note,
                  async () => {
                    const { sessions } = await api<{ sessions: PersonSessionView[] }>(
                      'GET',
                      `/api/staff/people/${p.id}/sessions`,
                    )
                    if (sessions.length === 0) return `${p.name} has no live session.`
                    const last =
                      sessions
                        .map((x) => x.lastSeenAt)
                        .sort()
                        .at(-1) ?? null
                    return `${p.name} has ${sessions.length} live session${sessions.length === 1 ? '' : 's'}, last active ${when(last)}.`
                  },
                  async () => {},
                ),
            ),
            guarded(
              'Sign out everywhere',
              `Sign ${p.name} out on every device? Any work in progress there is lost.`,
              () =>
                void act(
                  note,
                  async () => {
                    await api('DELETE', `/api/staff/people/${p.id}/sessions`)
                    return `${p.name} is signed out everywhere.`
                  },
                  loadPeople,
                ),
            ),
            disabled
              ? undefined
              : button(
                  'Re-enrol',
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
                        byId('reenrol-copied').textContent = ''
                        byId('reenrol-box').hidden = false
                        return `Re-enrolment link for ${p.name} created (valid until ${when(created.expiresAt)}).`
                      },
                      loadPeople,
                    ),
                ),
          ),
        ),
      )
    }),
  )
}

// ---- Invitations --------------------------------------------------------------------------------

const inviteRoles = roleBoxes('Roles', ROLES)
byId('invite-roles').append(inviteRoles.fieldset)

async function loadInvitations(): Promise<void> {
  const { invitations } = await api<{ invitations: InvitationView[] }>(
    'GET',
    '/api/staff/invitations',
  )
  byId('invitations').replaceChildren(
    ...revocableRows(invitations.reverse(), {
      cells: (i) => [i.name, i.roles.join(', '), i.status, when(i.expiresAt)],
      live: (i) => i.status === 'pending',
      path: (i) => `/api/staff/invitations/${i.id}`,
      done: (i) => `The invitation for ${i.name} is revoked.`,
      question: (i) => `Revoke the invitation for ${i.name}? Its link will stop working.`,
      note: byId('invite-status'),
      reload: loadInvitations,
    }),
  )
}

byId<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void submitForm(
    'invite',
    { name: 'name', roles: 'roles', expiresInHours: 'hours' },
    inviteRoles.read(),
    async () => {
      const created = await api<CreatedInvitation>('POST', '/api/staff/invitations', {
        name: byId<HTMLInputElement>('invite-name').value,
        roles: inviteRoles.read(),
        expiresInHours: Number(byId<HTMLInputElement>('invite-hours').value),
      })
      byId('invite-link').textContent = created.link
      byId('invite-copied').textContent = ''
      byId('invite-link-box').hidden = false
      return `Invitation for ${created.name} created.`
    },
    loadInvitations,
  )
})

// ---- API tokens ---------------------------------------------------------------------------------

const tokenRoles = roleBoxes('Roles', ROLES)
byId('token-roles').append(tokenRoles.fieldset)

async function loadTokens(): Promise<void> {
  const { tokens } = await api<{ tokens: TokenView[] }>('GET', '/api/tokens')
  byId('tokens').replaceChildren(
    ...revocableRows(tokens.reverse(), {
      cells: (k) => [k.name, k.roles.join(', '), k.status, when(k.expiresAt), when(k.lastUsedAt)],
      live: (k) => k.status === 'active',
      path: (k) => `/api/tokens/${k.id}`,
      done: (k) => `The token ${k.name} is revoked.`,
      question: (k) =>
        `Revoke the API token ${k.name}? Systems using it are refused from now on; this cannot be undone.`,
      note: byId('token-status'),
      reload: loadTokens,
    }),
  )
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void submitForm(
    'token',
    { name: 'name', roles: 'roles', expiresInDays: 'days' },
    tokenRoles.read(),
    async () => {
      const created = await api<CreatedToken>('POST', '/api/tokens', {
        name: byId<HTMLInputElement>('token-name').value,
        roles: tokenRoles.read(),
        expiresInDays: Number(byId<HTMLInputElement>('token-days').value),
      })
      byId('token-secret').textContent = created.token
      byId('token-copied').textContent = ''
      byId('token-box').hidden = false
      return `Token ${created.name} created.`
    },
    loadTokens,
  )
})

async function start(): Promise<void> {
  const me = await whoAmI()
  if (me === undefined) {
    location.assign('/signin.html')
    return
  }
  if (!me.roles.includes('admin')) {
    setState(status, 'bad', 'This page is for administrators (role admin).')
    return
  }
  await Promise.all([loadPeople(), loadInvitations(), loadTokens()])
  byId('admin').hidden = false
  setState(status, 'ok', `Signed in as ${me.name} (admin).`)
}

start().catch((err) =>
  setState(
    status,
    'bad',
    `The page could not load: ${err instanceof ApiError ? describe(err) : String(err)}.`,
  ),
)
