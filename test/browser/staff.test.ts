/**
 * Staff pages end to end in Debian Chromium with the DevTools virtual authenticator (CDP
 * `WebAuthn.addVirtualAuthenticator`, stack.md §6.2) against the real `vigil serve`: the new
 * installation prints its first-administrator link; open it, enrol a passkey, sign out, sign in,
 * reach the console, see the actions in the audit trail, invite someone from the admin page.
 * The server runs on http://localhost:<port> — the RP ID must be a host name, not an address.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addVirtualAuthenticator,
  axeSerious,
  BROWSER_SKIP_REASON,
  buildPages,
  launchChromium,
} from '../helpers/browser.ts'
import { type RunningServer, startLocalhostServer } from '../helpers/server.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('staff pages in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-staff-'))
  let browser: Browser
  let server: RunningServer

  beforeAll(async () => {
    // A fresh build so the staff pages exist; not emptying web/dist keeps other servers whole.
    await buildPages()
    ;[browser, server] = await Promise.all([launchChromium(), startLocalhostServer(dir)])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('first link → enrol → sign out → sign in → console → audit trail → invite', async () => {
    const link = /(http:\/\/localhost:\d+\/enrol\.html#vgi_[a-z2-7]{12}_[\w-]{43})/.exec(
      server.output(),
    )?.[1]
    expect(link, server.output()).toBeDefined()

    const page = await browser.newPage({
      permissions: ['clipboard-read', 'clipboard-write'],
      viewport: { width: 360, height: 800 },
    })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      // A 401 from /api/staff/me is how a page learns there is no session; CSP violations and
      // script errors are what must not happen.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text())
    })
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page)

    // The invitation: who, which roles; the fragment leaves the address bar.
    await page.goto(link as string)
    await expect
      .poll(() => page.locator('#invitation-name').textContent())
      .toBe('First administrator')
    expect(await page.locator('#invitation-roles').textContent()).toBe('admin')
    expect(page.url()).not.toContain('#vgi_')
    await page.getByLabel('Name this passkey').fill('Test laptop')
    await page.getByRole('button', { name: 'Create passkey' }).click()
    await page.waitForURL('**/console.html')
    await expect.poll(() => page.locator('#me-name').textContent()).toBe('First administrator')
    const stored = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(stored.credentials).toHaveLength(1)
    expect(stored.credentials[0]?.isResidentCredential).toBe(true)
    expect(await page.locator('#passkeys tr').count()).toBe(1)
    expect(await page.locator('#passkeys').textContent()).toContain('Test laptop')

    // Sign out, then back in with the same passkey.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.waitForURL('**/signin.html')
    await page.goto(`${server.url}/console.html`)
    await page.waitForURL('**/signin.html')
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.waitForURL('**/console.html')
    await expect.poll(() => page.locator('#me-name').textContent()).toBe('First administrator')
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(after.credentials[0]?.signCount).toBeGreaterThan(stored.credentials[0]?.signCount ?? 0)

    // The audit trail shows what happened, newest first.
    await expect
      .poll(() =>
        page
          .locator('#audit-events tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))),
      )
      .toEqual(['session.sign-in', 'session.sign-out', 'staff.enrol', 'invitation.create'])

    // Invite an issuer from the admin page; the link is shown once.
    await page.getByRole('link', { name: 'People, roles, invitations and API tokens' }).click()
    await page.waitForURL('**/admin.html')
    await expect.poll(() => page.locator('#people').textContent()).toContain('First administrator')
    await page.getByLabel('Name', { exact: true }).first().fill('Irene Issuer')
    // No role is pre-ticked: a forgotten choice is said at the field, in plain words.
    await page.getByRole('button', { name: 'Create invitation link' }).click()
    await expect
      .poll(() => page.locator('#invite-roles-error').textContent())
      .toBe('Choose at least one role.')
    await page.screenshot({ path: '/tmp/staff-admin-field-error.png' })
    await page.locator('#invite-roles input[value=issuer]').check()
    await page.getByRole('button', { name: 'Create invitation link' }).click()
    await expect
      .poll(() => page.locator('#invite-link').textContent())
      .toMatch(/\/enrol\.html#vgi_/)
    // The earlier error is gone, and the copy button copies the link.
    expect(await page.locator('#invite-roles-error').textContent()).toBe('')
    await page.locator('#invite-copy').click()
    await expect.poll(() => page.locator('#invite-copied').textContent()).toBe('Copied.')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await page.locator('#invite-link').textContent(),
    )
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await expect.poll(() => page.locator('#invitations').textContent()).toContain('Irene Issuer')

    // An API token: its secret shown once, listed, then revoked from its row.
    await page.locator('#token-name').fill('Records system')
    await page.locator('#token-roles input[value=issuer]').check()
    await page.getByRole('button', { name: 'Create API token' }).click()
    await expect.poll(() => page.locator('#token-secret').textContent()).toMatch(/^vgl_/)
    const tokenRow = page.locator('#tokens tr', { hasText: 'Records system' })
    await expect.poll(() => tokenRow.locator('td').nth(2).textContent()).toBe('active')
    // Revoking asks first: Cancel leaves the token active, Revoke in the dialog revokes it.
    await tokenRow.getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => page.locator('#confirm').getAttribute('open')).toBe('')
    expect(await page.locator('#confirm-text').textContent()).toContain('Records system')
    await page.screenshot({ path: '/tmp/staff-admin-confirm.png' })
    expect(await axeSerious(page)).toEqual([])
    await page.locator('#confirm-cancel').click()
    expect(await tokenRow.locator('td').nth(2).textContent()).toBe('active')
    await tokenRow.getByRole('button', { name: 'Revoke' }).click()
    await page.locator('#confirm-ok').click()
    await expect
      .poll(() => page.locator('#token-status').textContent())
      .toContain('The token Records system is revoked.')
    await expect.poll(() => tokenRow.locator('td').nth(2).textContent()).toBe('revoked')
    expect(await tokenRow.getByRole('button', { name: 'Revoke' }).count()).toBe(0)
    await page.screenshot({ path: '/tmp/staff-admin.png', fullPage: true })
    expect(await axeSerious(page)).toEqual([])

    // The invitation, revoked the same way (the link above stops working).
    const inviteRow = page.locator('#invitations tr', { hasText: 'Irene Issuer' })
    await inviteRow.getByRole('button', { name: 'Revoke' }).click()
    await page.locator('#confirm-ok').click()
    await expect
      .poll(() => page.locator('#invite-status').textContent())
      .toContain('The invitation for Irene Issuer is revoked.')
    await expect.poll(() => inviteRow.locator('td').nth(2).textContent()).toBe('revoked')

    await page.goto(`${server.url}/console.html`)
    await expect
      .poll(() => page.locator('#audit-events tr').first().getAttribute('data-action'))
      .toBe('invitation.revoke')
    await page.screenshot({ path: '/tmp/staff-console.png', fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })
})
