/**
 * The admin page (/admin.html, role admin): people and their roles (change, disable, sign out
 * everywhere), invitations (the link is shown once), and API tokens (the secret is shown once).
 * Every change lands in the audit trail on the server.
 */
import type {
  CreatedInvitation,
  CreatedToken,
  InvitationView,
  PersonView,
  TokenView,
} from '../../../src/core/api-types/index.ts'
import { ApiError, api, describe, ROLES, whoAmI } from './api.ts'
import { button, byId, el, roleBoxes, setState, when } from './dom.ts'

const status = byId('status')

async function act(node: HTMLElement, work: () => Promise<string>, reload: () => Promise<void>) {
  setState(node, 'busy', 'Working…')
  try {
    setState(node, 'ok', await work())
  } catch (err) {
    setState(node, 'bad', describe(err))
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
          ? button(
              'Revoke',
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
            button(
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
              'Sign out everywhere',
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
          ),
        ),
      )
    }),
  )
}

// ---- Invitations --------------------------------------------------------------------------------

const inviteRoles = roleBoxes('Roles', ROLES, ['issuer'])
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
      note: byId('invite-status'),
      reload: loadInvitations,
    }),
  )
}

byId<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void act(
    byId('invite-status'),
    async () => {
      const created = await api<CreatedInvitation>('POST', '/api/staff/invitations', {
        name: byId<HTMLInputElement>('invite-name').value,
        roles: inviteRoles.read(),
        expiresInHours: Number(byId<HTMLInputElement>('invite-hours').value),
      })
      byId('invite-link').textContent = created.link
      byId('invite-link-box').hidden = false
      return `Invitation for ${created.name} created.`
    },
    loadInvitations,
  )
})

// ---- API tokens ---------------------------------------------------------------------------------

const tokenRoles = roleBoxes('Roles', ROLES, ['issuer'])
byId('token-roles').append(tokenRoles.fieldset)

async function loadTokens(): Promise<void> {
  const { tokens } = await api<{ tokens: TokenView[] }>('GET', '/api/tokens')
  byId('tokens').replaceChildren(
    ...revocableRows(tokens.reverse(), {
      cells: (k) => [k.name, k.roles.join(', '), k.status, when(k.expiresAt), when(k.lastUsedAt)],
      live: (k) => k.status === 'active',
      path: (k) => `/api/tokens/${k.id}`,
      done: (k) => `The token ${k.name} is revoked.`,
      note: byId('token-status'),
      reload: loadTokens,
    }),
  )
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void act(
    byId('token-status'),
    async () => {
      const created = await api<CreatedToken>('POST', '/api/tokens', {
        name: byId<HTMLInputElement>('token-name').value,
        roles: tokenRoles.read(),
        expiresInDays: Number(byId<HTMLInputElement>('token-days').value),
      })
      byId('token-secret').textContent = created.token
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
