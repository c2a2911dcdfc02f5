/**
 * A real `vigil serve` with an issuer signed in through a virtual authenticator, for the issuer
 * workspace's browser tests: the first administrator enrols from the printed invitation and
 * invites the issuer, who enrols in a fresh context.
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { axeSerious, enrolPasskey } from './browser.ts'
import { type RunningServer, startLocalhostServer } from './server.ts'

export type Server = RunningServer

/** `vigil serve` on localhost (the WebAuthn RP ID must be a host name, not an address). */
export const serve = startLocalhostServer

/** Screenshot to `dir/name.png`, then axe (nothing serious) and no horizontal scroll. */
export async function checkPage(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
  expect(await axeSerious(page), name).toEqual([])
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow, `${name}: horizontal scroll`).toBeLessThanOrEqual(0)
}

/**
 * A new context whose page is an issuer (`name`) signed in on the issuer workspace, invited by
 * the first administrator (enrolled from the invitation `vigil serve` prints on first start).
 */
export async function signInIssuer(
  browser: Browser,
  server: Server,
  name: string,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const first = /http:\/\/localhost:\d+\/enrol\.html#(vgi_[a-z2-7]{12}_[\w-]{43})/.exec(
    server.output(),
  )?.[1]
  expect(first, server.output()).toBeDefined()
  const adminContext = await browser.newContext()
  const admin = await adminContext.newPage()
  await enrolPasskey(admin, server.url, first as string, 'First administrator', 'Admin key')
  const invitation = await admin.evaluate(async (person) => {
    const res = await fetch('/api/staff/invitations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: person, roles: ['issuer'] }),
    })
    return ((await res.json()) as { link: string }).link
  }, name)
  await adminContext.close()

  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'en-GB',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  await enrolPasskey(page, server.url, invitation.split('#')[1] as string, name, `${name} key`)
  await page.goto(`${server.url}/issuer.html`)
  await expect.poll(() => page.locator('#status').textContent()).toContain(name)
  return { context, page }
}

/**
 * A bulk file of 200 rows (every tenth a test result); rows 10, 120 and 180 are each wrong in one
 * field (file lines 12, 122 and 182: the birth date, the region and the given names).
 */
export function bulkCsv(): string {
  const head =
    'row_key,type,given_names,family_name,birth_date,region,code,date,lot_number,performer,result'
  const rows = Array.from({ length: 200 }, (_, i) => {
    const birth = new Date(Date.UTC(1950, 0, 1 + i * 97)).toISOString().slice(0, 10)
    const row =
      i % 10 === 3
        ? [
            '',
            'test',
            'Anne Marie',
            'Jansen',
            birth,
            'NL-NH',
            '94558-4',
            '2021-06-01',
            '',
            '',
            '260415000',
          ]
        : [
            '',
            'immunization',
            'Anne Marie',
            'Jansen',
            birth,
            'NL-NH',
            '208',
            '2021-05-01',
            'EW0182',
            '',
            '',
          ]
    if (i === 10) row[4] = 'not-a-date'
    if (i === 120) row[5] = 'nowhere'
    if (i === 180) row[2] = ''
    return row.join(',')
  })
  return `${[head, ...rows].join('\n')}\n`
}
