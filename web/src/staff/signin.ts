/**
 * The sign-in page (/signin.html): a discoverable passkey, so no user name is asked. Options come
 * from the server (a single-use challenge), the browser asks the authenticator, the server checks
 * the assertion and sets the session cookie; then on to the console.
 */
import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser'
import { initI18n, mountLanguageSwitch } from '../i18n/index.ts'
import { api, describe, whoAmI } from './api.ts'
import { byId, say } from './dom.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

const button = byId<HTMLButtonElement>('sign-in')
const status = byId('status')
const CONSOLE = '/console.html'

async function signIn(): Promise<void> {
  button.disabled = true
  say(status, 'busy', 'signin.waiting')
  try {
    const { options } = await api<{
      options: Parameters<typeof startAuthentication>[0]['optionsJSON']
    }>('POST', '/api/staff/sign-in/options')
    const response = await startAuthentication({ optionsJSON: options })
    const { user } = await api<{ user: { name: string } }>('POST', '/api/staff/sign-in', {
      response,
    })
    say(status, 'ok', 'signin.done', { name: user.name })
    location.assign(CONSOLE)
  } catch (err) {
    say(status, 'bad', 'signin.failed', { error: () => describe(err) })
    button.disabled = false
  }
}

async function start(): Promise<void> {
  if (!browserSupportsWebAuthn()) {
    button.disabled = true
    say(status, 'bad', 'signin.noWebAuthn')
    return
  }
  button.addEventListener('click', () => void signIn())
  const me = await whoAmI().catch(() => undefined)
  if (me !== undefined) say(status, 'info', 'signin.already', { name: me.name })
}

void start()
