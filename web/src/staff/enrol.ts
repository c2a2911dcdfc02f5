/**
 * The enrolment page (/enrol.html#vgi_…): the invitation travels in the fragment, which is never
 * sent to a server; it is taken out of the address bar at once. The page shows who is invited
 * with which roles, then registers a passkey and lands in the console, signed in.
 */
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser'
import { initI18n, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe } from './api.ts'
import { byId, roleName, say, suggest, when } from './dom.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON']
interface Started {
  invitation: { name: string; roles: string[]; expiresAt: string; reenrol?: boolean }
  options: CreationOptions
}

const status = byId('status')
const form = byId<HTMLFormElement>('enrol-form')
const submit = byId<HTMLButtonElement>('enrol')
const passkeyName = byId<HTMLInputElement>('passkey-name')
suggest(passkeyName, 'enrol.defaultName')

const KEY = 'vigil-invitation'
// Kept for this tab only (a reload still works), and taken out of the address bar and history:
// the link is a secret until it is used.
const invitation = decodeURIComponent(location.hash.slice(1)) || sessionStorage.getItem(KEY) || ''
if (invitation !== '') sessionStorage.setItem(KEY, invitation)
history.replaceState(null, '', location.pathname)

async function enrol(event: Event): Promise<void> {
  event.preventDefault()
  submit.disabled = true
  say(status, 'busy', 'enrol.creating')
  try {
    const { options } = await api<Started>('POST', '/api/staff/enrol/options', { invitation })
    const response = await startRegistration({ optionsJSON: options })
    const name = passkeyName.value.trim() || t('enrol.defaultName')
    await api('POST', '/api/staff/enrol', { invitation, response, passkeyName: name })
    sessionStorage.removeItem(KEY)
    say(status, 'ok', 'enrol.done')
    location.assign('/console.html')
  } catch (err) {
    say(status, 'bad', 'enrol.failed', { error: () => describe(err) })
    submit.disabled = false
  }
}

async function start(): Promise<void> {
  if (invitation === '') {
    say(status, 'bad', 'enrol.needLink')
    return
  }
  if (!browserSupportsWebAuthn()) {
    say(status, 'bad', 'enrol.noWebAuthn')
    return
  }
  try {
    const started = await api<Started>('POST', '/api/staff/enrol/options', { invitation })
    byId('invitation-name').textContent = started.invitation.name
    const roles = () => {
      byId('invitation-roles').textContent = started.invitation.roles.map(roleName).join(', ')
    }
    roles()
    onLangChange(roles)
    byId('invitation-expires').textContent = when(started.invitation.expiresAt)
    byId('invitation').hidden = false
    form.hidden = false
    form.addEventListener('submit', (e) => void enrol(e))
    say(status, 'info', started.invitation.reenrol === true ? 'enrol.reenrol' : 'enrol.invited', {
      name: started.invitation.name,
    })
  } catch (err) {
    say(status, 'bad', 'enrol.unusable', { error: () => describe(err) })
  }
}

void start()
