/**
 * The landing page: asks the service whether it is ready and, for a signed-in staff member,
 * offers their workspace — straight there with one role, a short list with several. Anonymous
 * visitors see the public links only.
 */

const line = document.getElementById('status-line')

async function check(): Promise<void> {
  if (line === null) return
  try {
    const res = await fetch('/readyz')
    const body = (await res.json()) as { status?: string; database?: string; detail?: string }
    line.textContent = res.ok ? `Ready (database: ${body.database}).` : `Not ready: ${body.detail}`
  } catch {
    line.textContent = 'The service did not answer.'
  }
}

/** Each role's workspace, in the order a person with several sees them. */
export const WORKSPACES = [
  { role: 'issuer', href: '/issuer.html', label: 'Issue and manage credentials' },
  { role: 'tracer', href: '/tracer.html', label: 'Issue exposure-report codes' },
  { role: 'epidemiologist', href: '/dashboard.html', label: 'Surveillance dashboard' },
  { role: 'admin', href: '/admin.html', label: 'People, roles and tokens' },
  { role: 'auditor', href: '/console.html', label: 'Staff console and audit trail' },
] as const

async function route(): Promise<void> {
  // Asks without a refused request: anonymous visitors get `signedIn: false`, not a 401.
  const me = await fetch('/api/staff/session', { credentials: 'same-origin' })
    .then((r) => r.json() as Promise<{ signedIn: boolean; name?: string; roles?: string[] }>)
    .catch(() => undefined)
  if (me?.signedIn !== true) return
  const mine = WORKSPACES.filter((w) => (me.roles ?? []).includes(w.role))
  if (mine.length === 1 && new URLSearchParams(location.search).get('stay') === null) {
    location.replace((mine[0] as (typeof WORKSPACES)[number]).href)
    return
  }
  const list = document.getElementById('workspaces')
  const who = document.getElementById('workspace-who')
  const section = document.getElementById('workspace')
  if (list === null || who === null || section === null) return
  who.textContent = `Signed in as ${me.name ?? ''}.`
  const items = (mine.length > 0 ? mine : [WORKSPACES[4]]).map((w) => {
    const li = document.createElement('li')
    const a = document.createElement('a')
    a.href = w.href
    a.textContent = w.label
    li.append(a)
    return li
  })
  list.replaceChildren(...items)
  section.hidden = false
}

void check()
void route()
