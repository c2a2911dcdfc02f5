/**
 * The sign-in page (/signin.html): a discoverable passkey, so no user name is asked. Options come
 * from the server (a single-use challenge), the browser asks the authenticator, the server checks
 * the assertion and sets the session cookie; then on to the console.
 */
import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser'
import { api, describe, whoAmI } from './api.ts'
import { byId, setState } from './dom.ts'

const button = byId<HTMLButtonElement>('sign-in')
const status = byId('status')
const CONSOLE = '/console.html'

async function signIn(): Promise<void> {
  button.disabled = true
  setState(status, 'busy', 'Waiting for your passkey…')
  try {
    const { options } = await api<{
      options: Parameters<typeof startAuthentication>[0]['optionsJSON']
    }>('POST', '/api/staff/sign-in/options')
    const response = await startAuthentication({ optionsJSON: options })
    const { user } = await api<{ user: { name: string } }>('POST', '/api/staff/sign-in', {
      response,
    })
    setState(status, 'ok', `Signed in as ${user.name}. Opening the console…`)
    location.assign(CONSOLE)
  } catch (err) {
    setState(status, 'bad', `Not signed in: ${describe(err)}.`)
    button.disabled = false
  }
}

async function start(): Promise<void> {
  if (!browserSupportsWebAuthn()) {
    button.disabled = true
    setState(status, 'bad', 'This browser cannot use passkeys (WebAuthn is unavailable).')
    return
  }
  button.addEventListener('click', () => void signIn())
  const me = await whoAmI().catch(() => undefined)
  if (me !== undefined) setState(status, 'info', `You are already signed in as ${me.name}.`)
}

void start()
