/**
 * The enrolment page (/enrol.html#vgi_…): the invitation travels in the fragment, which is never
 * sent to a server; it is taken out of the address bar at once. The page shows who is invited
 * with which roles, then registers a passkey and lands in the console, signed in.
 */
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser'
import { api, describe } from './api.ts'
import { byId, setState, when } from './dom.ts'

type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON']
interface Started {
  invitation: { name: string; roles: string[]; expiresAt: string; reenrol?: boolean }
  options: CreationOptions
}

const status = byId('status')
const form = byId<HTMLFormElement>('enrol-form')
const submit = byId<HTMLButtonElement>('enrol')
const passkeyName = byId<HTMLInputElement>('passkey-name')

const KEY = 'vigil-invitation'
// Kept for this tab only (a reload still works), and taken out of the address bar and history:
// the link is a secret until it is used.
const invitation = decodeURIComponent(location.hash.slice(1)) || sessionStorage.getItem(KEY) || ''
if (invitation !== '') sessionStorage.setItem(KEY, invitation)
history.replaceState(null, '', location.pathname)

async function enrol(event: Event): Promise<void> {
  event.preventDefault()
  submit.disabled = true
  setState(status, 'busy', 'Creating your passkey…')
  try {
    const { options } = await api<Started>('POST', '/api/staff/enrol/options', { invitation })
    const response = await startRegistration({ optionsJSON: options })
    const name = passkeyName.value.trim() || 'Passkey'
    await api('POST', '/api/staff/enrol', { invitation, response, passkeyName: name })
    sessionStorage.removeItem(KEY)
    setState(status, 'ok', 'Your passkey is enrolled and you are signed in. Opening the console…')
    location.assign('/console.html')
  } catch (err) {
    setState(status, 'bad', `Not enrolled: ${describe(err)}.`)
    submit.disabled = false
  }
}

async function start(): Promise<void> {
  if (invitation === '') {
    setState(
      status,
      'bad',
      'This page needs the invitation link you were sent (it ends in #vgi_…).',
    )
    return
  }
  if (!browserSupportsWebAuthn()) {
    setState(status, 'bad', 'This browser cannot create passkeys (WebAuthn is unavailable).')
    return
  }
  try {
    const started = await api<Started>('POST', '/api/staff/enrol/options', { invitation })
    byId('invitation-name').textContent = started.invitation.name
    byId('invitation-roles').textContent = started.invitation.roles.join(', ')
    byId('invitation-expires').textContent = when(started.invitation.expiresAt)
    byId('invitation').hidden = false
    form.hidden = false
    form.addEventListener('submit', (e) => void enrol(e))
    setState(
      status,
      'info',
      started.invitation.reenrol === true
        ? `Re-enrolment for ${started.invitation.name}: create a new passkey below. It joins your existing account; your other sessions end.`
        : `Invitation for ${started.invitation.name}: create your passkey below.`,
    )
  } catch (err) {
    setState(status, 'bad', `This invitation cannot be used: ${describe(err)}.`)
  }
}

void start()
