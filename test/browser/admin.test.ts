/**
 * The administrator's workspace and the pages around it (issue 18), in Debian Chromium with the
 * DevTools virtual authenticator against the real `vigil serve`:
 * - an admin re-enrols a tracer who lost their passkey: the link is copied from the admin page,
 *   the new passkey signs the same person in, the old session ends, the trail names the admin,
 *   and the CSV downloaded from the console equals the trail row by row;
 * - the admin ends one of a person's sessions (Cancel does nothing); disabling and revoking ask
 *   first; an invitation without a role is refused at the roles field in plain words;
 * - the landing page sends an issuer, a tracer and an admin to their workspace and leaves a
 *   visitor on it;
 * - a missing page is a plain-words HTML page for a browser (English, Spanish), problem+json for
 *   a JSON client;
 * - admin, console, landing, sign-in, enrol and the error page in English and Spanish at 360 and
 *   1280 px: a screenshot in test-results/staff/, axe clean, no horizontal scroll.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addVirtualAuthenticator,
  BROWSER_SKIP_REASON,
  buildPages,
  enrolPasskey,
  launchChromium,
} from '../helpers/browser.ts'
import { parseCsv } from '../helpers/csv.ts'
import { checkPage } from '../helpers/issuer-session.ts'
import { type RunningServer, startLocalhostServer } from '../helpers/server.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const SHOTS = fileURLToPath(new URL('../../test-results/staff/', import.meta.url))
const TRACER = 'Tomás Tracer'
const ADMIN = 'First administrator'

interface AuditEvent {
  id: number
  action: string
  actor: { kind: string; id: string; name: string }
  role: string | null
  targetId: string | null
}

type Lang = 'en' | 'es'
const LOCALE: Record<Lang, string> = { en: 'en-GB', es: 'es-ES' }

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('admin workspace in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-admin-'))
  let browser: Browser
  let server: RunningServer
  let admin: Page
  /** The tracer's context after re-enrolment (their new device). */
  let tracerContext: BrowserContext
  const contexts: BrowserContext[] = []
  const errors: string[] = []

  async function newContext(
    lang: Lang = 'en',
    width = 1280,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      locale: LOCALE[lang],
      viewport: { width, height: 900 },
      permissions: ['clipboard-read', 'clipboard-write'],
      acceptDownloads: true,
    })
    contexts.push(context)
    const page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    return { context, page }
  }

  /** The person's row on the admin page. */
  const row = (name: string) => admin.locator('#people tr', { hasText: name })

  /** An API call from a page, with its session cookie: the status only. */
  const statusOf = (page: Page, path: string) =>
    page.evaluate(
      async (p) => (await fetch(p, { headers: { accept: 'application/json' } })).status,
      path,
    )

  /** An invitation created by the admin through the API (the page's form is tested below). */
  async function invite(name: string, roles: string[]): Promise<string> {
    const link = await admin.evaluate(
      async ({ name, roles }) => {
        const res = await fetch('/api/staff/invitations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, roles }),
        })
        return ((await res.json()) as { link: string }).link
      },
      { name, roles },
    )
    return link.split('#')[1] as string
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await buildPages()
    ;[browser, server] = await Promise.all([launchChromium(), startLocalhostServer(dir)])
  }, 180_000)
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an admin re-enrols a tracer whose passkey was lost; the trail and its CSV say who did it', async () => {
    // The first administrator enrols from the link the new installation printed (the tests
    // below share this admin and this tracer, in order).
    const first = /http:\/\/localhost:\d+\/enrol\.html#(vgi_[a-z2-7]{12}_[\w-]{43})/.exec(
      server.output(),
    )?.[1]
    expect(first, server.output()).toBeDefined()
    ;({ page: admin } = await newContext('en'))
    await enrolPasskey(admin, server.url, first as string, ADMIN, 'Admin key')

    // The admin invites the tracer from the page's form.
    await admin.goto(`${server.url}/admin.html`)
    await expect.poll(() => admin.locator('#status').textContent()).toContain(ADMIN)
    await admin.locator('#invite-name').fill(TRACER)
    await admin.locator('#invite-roles input[value=tracer]').check()
    await admin.getByRole('button', { name: 'Create invitation link' }).click()
    await expect.poll(() => admin.locator('#invite-link').textContent()).toMatch(/#vgi_/)
    // Its copy button puts the link, as shown, on the clipboard.
    await admin.locator('#invite-copy').click()
    await expect.poll(() => admin.locator('#invite-copied').textContent()).toBe('Copied.')
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(
      await admin.locator('#invite-link').textContent(),
    )
    const invitation = ((await admin.locator('#invite-link').textContent()) as string).split('#')[1]

    // The tracer enrols on one device (a session) and signs in on a second one that holds the
    // same passkey (a synced copy: the authenticator's credential, added to another).
    const a = await newContext('en')
    const phone = await enrolPasskey(a.page, server.url, invitation as string, TRACER, 'Phone')
    const b = await newContext('en')
    const laptop = await addVirtualAuthenticator(b.page)
    const { credentials } = await phone.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: phone.authenticatorId,
    })
    expect(credentials).toHaveLength(1)
    await laptop.cdp.send('WebAuthn.addCredential', {
      authenticatorId: laptop.authenticatorId,
      credential: credentials[0] as (typeof credentials)[number],
    })
    await b.page.goto(`${server.url}/signin.html`)
    await b.page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await b.page.waitForURL('**/console.html')
    await expect.poll(() => b.page.locator('#me-name').textContent()).toBe(TRACER)

    // Two live sessions; ending the newest asks first, and Cancel leaves both.
    await admin.reload()
    await row(TRACER).getByRole('button', { name: 'Sessions' }).click()
    await expect.poll(() => admin.locator('#sessions tr').count()).toBe(2)
    expect(await admin.locator('#people-status').textContent()).toContain(
      `${TRACER} has 2 live sessions`,
    )
    await admin.locator('#sessions tr').first().getByRole('button', { name: 'End session' }).click()
    await expect.poll(() => admin.locator('#confirm').getAttribute('open')).toBe('')
    expect(await admin.locator('#confirm-text').textContent()).toContain(TRACER)
    await admin.locator('#confirm-cancel').click()
    expect(await admin.locator('#sessions tr').count()).toBe(2)
    expect([
      await statusOf(a.page, '/api/staff/me'),
      await statusOf(b.page, '/api/staff/me'),
    ]).toEqual([200, 200])
    await admin.locator('#sessions tr').first().getByRole('button', { name: 'End session' }).click()
    await admin.locator('#confirm-ok').click()
    await expect.poll(() => admin.locator('#sessions tr').count()).toBe(1)
    await expect
      .poll(() => admin.locator('#people-status').textContent())
      .toContain(`The session of ${TRACER}`)
    // The newest was the second device's; the first one is still signed in.
    expect([
      await statusOf(a.page, '/api/staff/me'),
      await statusOf(b.page, '/api/staff/me'),
    ]).toEqual([200, 401])

    // The tracer loses the passkey: the phone's authenticator forgets it, and a new device has
    // none, so signing in there fails.
    await phone.cdp.send('WebAuthn.clearCredentials', { authenticatorId: phone.authenticatorId })
    const c = await newContext('en')
    await addVirtualAuthenticator(c.page)
    await c.page.goto(`${server.url}/signin.html`)
    await c.page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await expect.poll(() => c.page.locator('#status').textContent()).toContain('Not signed in')
    await c.context.close()

    // The admin issues a re-enrolment link (asked first), copies it, and sends it.
    await row(TRACER).getByRole('button', { name: 'Re-enrol' }).click()
    expect(await admin.locator('#confirm-text').textContent()).toContain(TRACER)
    await admin.locator('#confirm-ok').click()
    await expect
      .poll(() => admin.locator('#reenrol-link').textContent())
      .toMatch(/\/enrol\.html#vgi_/)
    expect(await admin.locator('#reenrol-name').textContent()).toBe(TRACER)
    await admin.locator('#reenrol-copy').click()
    await expect.poll(() => admin.locator('#reenrol-copied').textContent()).toBe('Copied.')
    const link = await admin.evaluate(() => navigator.clipboard.readText())
    expect(link).toBe(await admin.locator('#reenrol-link').textContent())
    // Until the link is used, the old session lives on.
    expect(await statusOf(a.page, '/api/staff/me')).toBe(200)

    // On a fresh device the tracer enrols a new passkey, signs out and back in, and the landing
    // page sends them to their workspace.
    const fresh = await newContext('en')
    tracerContext = fresh.context
    await enrolPasskey(fresh.page, server.url, link.split('#')[1] as string, TRACER, 'New phone')
    // The new passkey joined the same account, beside the lost one, which the tracer removes
    // (the browser's own confirm dialog, accepted).
    await expect.poll(() => fresh.page.locator('#passkeys tr').count()).toBe(2)
    fresh.page.once('dialog', (d) => void d.accept())
    await fresh.page.getByRole('button', { name: 'Remove Phone' }).click()
    await expect.poll(() => fresh.page.locator('#passkeys tr').count()).toBe(1)
    expect(await fresh.page.locator('#passkeys').textContent()).toContain('New phone')
    await fresh.page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await fresh.page.waitForURL('**/signin.html')
    await fresh.page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await fresh.page.waitForURL('**/console.html')
    await fresh.page.goto(`${server.url}/`)
    await fresh.page.waitForURL('**/tracer.html')
    await expect.poll(() => fresh.page.locator('#status').textContent()).toContain(TRACER)

    // The old session ended: its next API call is 401 and its pages send it to sign in.
    expect(await statusOf(a.page, '/api/staff/me')).toBe(401)
    await a.page.goto(`${server.url}/console.html`)
    await a.page.waitForURL('**/signin.html')

    // The people table: the same person, still one row, with the new passkey only.
    await admin.reload()
    await expect.poll(() => row(TRACER).count()).toBe(1)
    expect(await row(TRACER).locator('td').nth(2).textContent()).toBe('1')

    // The trail on the console names the admin for the link and the session they ended.
    await admin.goto(`${server.url}/console.html`)
    const trailRow = (action: string) => admin.locator(`#audit-events tr[data-action="${action}"]`)
    await expect.poll(() => trailRow('person.reenrol-link').count()).toBe(1)
    expect(await trailRow('person.reenrol-link').textContent()).toContain(ADMIN)
    expect(await trailRow('session.end').textContent()).toContain(ADMIN)
    expect(await trailRow('staff.reenrol').textContent()).toContain(TRACER)

    // The CSV the console's link downloads is the trail, row by row.
    const events = await admin.evaluate(async () => {
      const all: unknown[] = []
      let before = ''
      for (;;) {
        const res = await fetch(`/api/audit?limit=10${before}`)
        const page = (await res.json()) as { events: unknown[]; next: number | null }
        all.push(...page.events)
        if (page.next === null) return all
        before = `&before=${page.next}`
      }
    })
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: /Download as CSV/ }).click(),
    ])
    expect(download.suggestedFilename()).toBe('vigil-audit.csv')
    const [header, ...rows] = parseCsv(readFileSync(await download.path(), 'utf8'))
    expect(header?.slice(0, 7)).toEqual([
      'id',
      'at',
      'actor_kind',
      'actor_id',
      'actor_name',
      'role',
      'action',
    ])
    const trail = events as AuditEvent[]
    expect(trail.length).toBeGreaterThanOrEqual(8)
    expect(rows).toHaveLength(trail.length)
    expect(rows.map((r) => [Number(r[0]), r[2], r[3], r[4], r[5], r[6], r[7]])).toEqual(
      trail.map((e) => [
        e.id,
        e.actor.kind,
        e.actor.id,
        e.actor.name,
        e.role ?? '',
        e.action,
        e.targetId ?? '',
      ]),
    )
    expect(errors).toEqual([])
  })

  it('disabling and revoking ask first; a missing role is said at the roles field', async () => {
    await admin.goto(`${server.url}/admin.html`)
    await expect.poll(() => row(TRACER).count()).toBe(1)
    const state = () => row(TRACER).locator('td').nth(4).textContent()

    // Disable: Cancel changes nothing, Disable in the dialog disables; Enable needs no question.
    await row(TRACER).getByRole('button', { name: 'Disable' }).click()
    await expect.poll(() => admin.locator('#confirm').getAttribute('open')).toBe('')
    expect(await admin.locator('#confirm-text').textContent()).toContain(`Disable ${TRACER}?`)
    expect(await admin.locator('#confirm-ok').textContent()).toBe('Disable')
    await admin.locator('#confirm-cancel').click()
    expect(await state()).toBe('active')
    await row(TRACER).getByRole('button', { name: 'Disable' }).click()
    await admin.locator('#confirm-ok').click()
    await expect.poll(state).toBe('disabled')
    // Disabling signed the tracer out; enabling lets them sign in again.
    expect(await statusOf((await tracerContext.pages()[0]) as Page, '/api/staff/me')).toBe(401)
    await row(TRACER).getByRole('button', { name: 'Enable' }).click()
    await expect.poll(state).toBe('active')
    expect(await admin.locator('#confirm').getAttribute('open')).toBeNull()

    // An API token's revocation asks the same way.
    await admin.locator('#token-name').fill('Lab system')
    await admin.locator('#token-roles input[value=tracer]').check()
    await admin.getByRole('button', { name: 'Create API token' }).click()
    await expect.poll(() => admin.locator('#token-secret').textContent()).toMatch(/^vgl_/)
    await admin.locator('#token-copy').click()
    await expect.poll(() => admin.locator('#token-copied').textContent()).toBe('Copied.')
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(
      await admin.locator('#token-secret').textContent(),
    )
    const token = admin.locator('#tokens tr', { hasText: 'Lab system' })
    await token.getByRole('button', { name: 'Revoke' }).click()
    expect(await admin.locator('#confirm-text').textContent()).toContain('Lab system')
    await admin.locator('#confirm-cancel').click()
    expect(await token.locator('td').nth(2).textContent()).toBe('active')
    await token.getByRole('button', { name: 'Revoke' }).click()
    await admin.locator('#confirm-ok').click()
    await expect.poll(() => token.locator('td').nth(2).textContent()).toBe('revoked')

    // No role is ticked to begin with; forgetting one is said at the roles field, in plain words,
    // in each language (never the schema's "Too small: expected array…").
    await admin.reload()
    await expect.poll(() => row(TRACER).count()).toBe(1)
    expect(await admin.locator('#invite-roles input').count()).toBe(5)
    expect(await admin.locator('#invite-roles input:checked').count()).toBe(0)
    expect(await admin.locator('#token-roles input:checked').count()).toBe(0)
    await admin.locator('#invite-name').fill('Nadia Noroles')
    await admin.getByRole('button', { name: 'Create invitation link' }).click()
    await expect
      .poll(() => admin.locator('#invite-roles-error').textContent())
      .toBe('Choose at least one role.')
    expect(await admin.locator('#invite-status').textContent()).toBe(
      '✗ Not created: choose at least one role.',
    )
    expect(await admin.locator('#invite-name-error').textContent()).toBe('')
    expect(await admin.locator('#invitations').textContent()).not.toContain('Nadia Noroles')
    await admin.getByRole('button', { name: 'Español' }).click()
    await expect
      .poll(() => admin.locator('#invite-roles-error').textContent())
      .toBe('Elija al menos un rol.')
    await admin.getByRole('button', { name: 'Crear el enlace de invitación' }).click()
    expect(await admin.locator('#invite-roles-error').textContent()).toBe('Elija al menos un rol.')
    // An empty name too, at its own field.
    await admin.locator('#invite-name').fill('')
    await admin.locator('#invite-roles input[value=issuer]').check()
    await admin.getByRole('button', { name: 'Crear el enlace de invitación' }).click()
    await expect
      .poll(() => admin.locator('#invite-name-error').textContent())
      .toBe('Escriba un nombre (de 1 a 100 caracteres).')
    expect(await admin.locator('#invite-roles-error').textContent()).toBe('')
    await admin.getByRole('button', { name: 'English' }).click()
    await admin.reload()
    expect(errors).toEqual([])
  })

  it('the landing page sends each role to its workspace and keeps a visitor', async () => {
    const issuerLink = await invite('Inés Issuer', ['issuer'])
    const issuer = await newContext('en')
    await enrolPasskey(issuer.page, server.url, issuerLink, 'Inés Issuer', 'Laptop')
    const both = await invite('Beatriz Both', ['issuer', 'tracer'])
    const several = await newContext('en')
    await enrolPasskey(several.page, server.url, both, 'Beatriz Both', 'Laptop')
    const epi = await newContext('en')
    await enrolPasskey(
      epi.page,
      server.url,
      await invite('Elena Epi', ['epidemiologist']),
      'Elena Epi',
      'Laptop',
    )
    const auditor = await newContext('en')
    await enrolPasskey(
      auditor.page,
      server.url,
      await invite('Aurelio Auditor', ['auditor']),
      'Aurelio Auditor',
      'Laptop',
    )
    const visitor = await newContext('en')

    // The tracer was signed out when disabled above: back in on their device.
    const tracer = tracerContext.pages()[0] as Page
    await tracer.goto(`${server.url}/signin.html`)
    await tracer.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await tracer.waitForURL('**/console.html')
    for (const [page, target] of [
      [issuer.page, '/issuer.html'],
      [tracer, '/tracer.html'],
      [admin, '/admin.html'],
      [epi.page, '/dashboard.html'],
      [auditor.page, '/console.html'],
    ] as const) {
      await page.goto(`${server.url}/`)
      await page.waitForURL(`**${target}`)
    }
    // Two roles: a short list of both, in the page language.
    await several.page.goto(`${server.url}/`)
    await expect.poll(() => several.page.locator('#workspace').isVisible()).toBe(true)
    expect(
      await several.page
        .locator('#workspaces a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ).toEqual(['/issuer.html', '/tracer.html'])
    await several.page.getByRole('button', { name: 'Español' }).click()
    expect(await several.page.locator('#workspace-who').textContent()).toBe(
      'Ha iniciado sesión como Beatriz Both.',
    )
    expect(await several.page.locator('#workspaces a').first().textContent()).toBe(
      'Emitir y gestionar certificados',
    )
    // A visitor stays, with the public pages and no workspace.
    await visitor.page.goto(`${server.url}/`)
    await expect
      .poll(() => visitor.page.locator('#status-line').textContent())
      .toContain('Ready (database: pglite)')
    expect(visitor.page.url()).toBe(`${server.url}/`)
    expect(await visitor.page.locator('#workspace').isVisible()).toBe(false)
    expect(await visitor.page.locator('#pages a').count()).toBe(8)
    expect(errors).toEqual([])
  })

  it('a missing page is plain words for a browser and problem+json for a JSON client', async () => {
    for (const [lang, heading, home] of [
      ['en', 'There is no page at this address', 'Go to the home page'],
      ['es', 'No hay ninguna página en esta dirección', 'Ir a la página de inicio'],
    ] as const) {
      const { page } = await newContext(lang)
      const res = await page.goto(`${server.url}/nonexistent`)
      expect(res?.status()).toBe(404)
      expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8')
      expect(await page.locator('h1').textContent()).toBe(heading)
      expect(await page.locator('html').getAttribute('lang')).toBe(lang)
      const link = page.getByRole('link', { name: home })
      expect(await link.getAttribute('href')).toBe('/')
      const json = await page.evaluate(async () => {
        const r = await fetch('/nonexistent', { headers: { accept: 'application/json' } })
        return { status: r.status, type: r.headers.get('content-type'), body: await r.json() }
      })
      expect(json).toMatchObject({
        status: 404,
        type: 'application/problem+json',
        body: { status: 404, code: 'NOT_FOUND' },
      })
      await link.click()
      await page.waitForURL(`${server.url}/`)
    }
  })

  it('each page in English and Spanish at 360 and 1280 px: axe clean, no sideways scroll', async () => {
    const pending = await invite('Pablo Pendiente', ['epidemiologist'])
    for (const lang of ['en', 'es'] as const) {
      for (const width of [360, 1280]) {
        const shot = (page: string, state: string) => `${page}-${lang}-${width}-${state}`
        // The admin's own pages, in the language chosen with the switch.
        await admin.setViewportSize({ width, height: 900 })
        await admin.goto(`${server.url}/admin.html`)
        await admin.getByRole('button', { name: lang === 'en' ? 'English' : 'Español' }).click()
        await expect
          .poll(() => admin.locator('#status').textContent())
          .toContain(lang === 'en' ? 'Signed in as' : 'Ha iniciado sesión como')
        await expect.poll(() => admin.locator('#people tr').count()).toBeGreaterThan(2)
        expect(await admin.locator('h1').textContent()).toBe(
          lang === 'en' ? 'People, roles and tokens' : 'Personas, roles y tokens',
        )
        await checkPage(admin, SHOTS, shot('admin', 'signed-in'))
        // Each person's actions are on screen at any width (a card per person on a phone).
        const box = await row(TRACER).getByRole('button').last().boundingBox()
        expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(width)
        // With the sessions list and a confirmation open.
        await row(ADMIN)
          .getByRole('button', { name: lang === 'en' ? 'Sessions' : 'Sesiones' })
          .click()
        await expect.poll(() => admin.locator('#sessions-box').isVisible()).toBe(true)
        await admin.locator('#sessions tr').first().getByRole('button').click()
        await expect.poll(() => admin.locator('#confirm').getAttribute('open')).toBe('')
        await checkPage(admin, SHOTS, shot('admin', 'confirm'))
        await admin.locator('#confirm-cancel').click()

        await admin.goto(`${server.url}/console.html`)
        await expect.poll(() => admin.locator('#audit-events tr').count()).toBeGreaterThan(0)
        expect(await admin.locator('h1').textContent()).toBe(
          lang === 'en' ? 'Staff console' : 'Consola del personal',
        )
        await checkPage(admin, SHOTS, shot('console', 'signed-in'))

        // Pages for someone not signed in, in the browser's language.
        const { page } = await newContext(lang, width)
        await page.goto(`${server.url}/`)
        await expect.poll(() => page.locator('#status-line').textContent()).toMatch(/\(/)
        await checkPage(page, SHOTS, shot('landing', 'signed-out'))
        await page.goto(`${server.url}/signin.html`)
        expect(await page.locator('h1').textContent()).toBe(
          lang === 'en' ? 'Staff sign-in' : 'Acceso del personal',
        )
        await checkPage(page, SHOTS, shot('signin', 'signed-out'))
        await page.goto(`${server.url}/enrol.html#${pending}`)
        await expect
          .poll(() => page.locator('#invitation-name').textContent())
          .toBe('Pablo Pendiente')
        expect(await page.locator('#invitation-roles').textContent()).toBe(
          lang === 'en' ? 'epidemiologist' : 'epidemiología',
        )
        await checkPage(page, SHOTS, shot('enrol', 'invitation'))
        await page.goto(`${server.url}/nonexistent`)
        await checkPage(page, SHOTS, shot('error', '404'))
        await page.context().close()
      }
    }
    await admin.getByRole('button', { name: 'English' }).click()
    expect(errors).toEqual([])
  })
})
