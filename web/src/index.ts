/**
 * The landing page: asks the service whether it is ready and, for a signed-in staff member,
 * offers their workspace — straight there with one role, a short list with several. Anonymous
 * visitors see the public links only. English and Spanish (./i18n).
 */
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from './i18n/index.ts'

initI18n()
const langSwitch = document.getElementById('lang-switch')
if (langSwitch !== null) mountLanguageSwitch(langSwitch)

const line = document.getElementById('status-line')

/** The status line's words, said again when the language changes. */
let said: () => string = () => t('home.checking')
function sayStatus(render: () => string): void {
  said = render
  if (line !== null) line.textContent = render()
}

async function check(): Promise<void> {
  try {
    const res = await fetch('/readyz')
    const body = (await res.json()) as { status?: string; database?: string; detail?: string }
    sayStatus(() =>
      res.ok
        ? t('home.ready', { database: body.database ?? '' })
        : t('home.notReady', { detail: body.detail ?? '' }),
    )
  } catch {
    sayStatus(() => t('home.noAnswer'))
  }
}

/** Each role's workspace, in the order a person with several sees them. */
export const WORKSPACES: readonly { role: string; href: string; label: MessageKey }[] = [
  { role: 'issuer', href: '/issuer.html', label: 'home.ws.issuer' },
  { role: 'tracer', href: '/tracer.html', label: 'home.ws.tracer' },
  { role: 'epidemiologist', href: '/dashboard.html', label: 'home.ws.epidemiologist' },
  { role: 'admin', href: '/admin.html', label: 'home.ws.admin' },
  { role: 'auditor', href: '/console.html', label: 'home.ws.auditor' },
]

async function route(): Promise<void> {
  // Asks without a refused request: anonymous visitors get `signedIn: false`, not a 401.
  const me = await fetch('/api/staff/session', { credentials: 'same-origin' })
    .then((r) => r.json() as Promise<{ signedIn: boolean; name?: string; roles?: string[] }>)
    .catch(() => undefined)
  if (me?.signedIn !== true) return
  const mine = WORKSPACES.filter((w) => (me.roles ?? []).includes(w.role))
  const only = mine.length === 1 ? mine[0] : undefined
  if (only !== undefined && new URLSearchParams(location.search).get('stay') === null) {
    location.replace(only.href)
    return
  }
  const list = document.getElementById('workspaces')
  const who = document.getElementById('workspace-who')
  const section = document.getElementById('workspace')
  if (list === null || who === null || section === null) return
  // A person with no role yet still gets the console (their passkeys, sign out).
  const shown = mine.length > 0 ? mine : WORKSPACES.filter((w) => w.role === 'auditor')
  const render = () => {
    who.textContent = t('home.signedInAs', { name: me.name ?? '' })
    list.replaceChildren(
      ...shown.map((w) => {
        const li = document.createElement('li')
        const a = document.createElement('a')
        a.href = w.href
        a.textContent = t(w.label)
        li.append(a)
        return li
      }),
    )
  }
  render()
  onLangChange(render)
  section.hidden = false
}

onLangChange(() => sayStatus(said))
void check()
void route()
