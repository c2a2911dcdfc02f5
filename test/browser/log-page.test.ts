/**
 * The transparency-log page (/log.html) in real Chromium against the real `vigil serve`: the
 * checkpoint signature verified in the browser, the recent entries, and a private lookup whose
 * inclusion proof is built from tiles in the page — without the full leaf hash ever being sent.
 * PGlite (one process only) checks the empty log; Postgres, seeded by a Ledger in this process
 * with the server's master key and origin, checks a log with a full tile and a partial one.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/core/codec/base64.ts'
import { sha256, utf8 } from '../../src/core/codec/bytes.ts'
import { fromHex, toHex } from '../../src/core/codec/hex.ts'
import { roundToHour } from '../../src/core/leaf/index.ts'
import { parseConfig } from '../../src/platform/config/config.ts'
import { KeyStore } from '../../src/platform/keys/store.ts'
import { issuerKeyEntry } from '../../src/services/credentials/index.ts'
import { Ledger } from '../../src/services/ledger/ledger.ts'
import { TEST_MASTER_KEY } from '../helpers/app.ts'
import { BROWSER_SKIP_REASON, buildPages, launchChromium } from '../helpers/browser.ts'
import { createTestDatabase, POSTGRES_SKIP_REASON, type TestDatabase } from '../helpers/db.ts'
import { entry } from '../helpers/ledger.ts'
import { type RunningServer, startServer } from '../helpers/server.ts'

const SCREENSHOT = '/tmp/log-page.png'
/** Not in any log here (and not a prefix anyone asks the server for in full). */
const MADE_UP = 'c0ffee00'.repeat(8)
/** A credential's text as pasted: its SHA-256 is the artefact hash of one seeded entry. */
const JWS = 'eyJhbGciOiJFUzI1NiIsInppcCI6IkRFRiJ9.dGVzdC1wYXlsb2Fk.c2lnbmF0dXJl'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

interface OpenPage {
  page: Page
  /** Every URL the page requested. */
  urls: string[]
  /** Uncaught errors and console errors. */
  errors: string[]
}

async function openLogPage(browser: Browser, server: RunningServer): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
  const urls: string[] = []
  const errors: string[] = []
  page.on('request', (r) => urls.push(r.url()))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(`${server.url}/log.html`)
  await expect
    .poll(() => page.locator('#checkpoint-status').textContent(), { timeout: 15_000 })
    .toMatch(/verified|failed/i)
  return { page, urls, errors }
}

async function lookUp(page: Page, text: string): Promise<string> {
  await page.getByLabel('Leaf hash or credential').fill(text)
  await page.getByRole('button', { name: 'Look up', exact: true }).click()
  await expect
    .poll(() => page.locator('#lookup-status').getAttribute('data-state'), { timeout: 15_000 })
    .not.toBe('busy')
  return (await page.locator('#lookup-status').textContent()) ?? ''
}

/** No request carried a full leaf hash; lookups sent 4 hex digits only. */
function expectPrivate(urls: string[], hashes: string[]): void {
  for (const url of urls) {
    for (const hash of hashes) expect(url.toLowerCase()).not.toContain(hash)
    const lookup = /\/log\/lookup\/([^/?#]*)/.exec(url)
    if (lookup !== null) expect(lookup[1]).toMatch(/^[0-9a-f]{4}$/)
  }
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('log page in Chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    // A fresh build so /log.html exists; not emptying web/dist keeps other files' servers whole.
    await buildPages()
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
  })

  describe('an empty log (PGlite)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-log-page-'))
    let server: RunningServer

    beforeAll(async () => {
      server = await startServer({ VIGIL_DATA_DIR: dir })
    }, 90_000)
    afterAll(async () => {
      await server?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    // A fresh log holds two entries made at first start: the announcement of the issuer key and
    // the release of the pages it serves (docs/RELEASES.md).
    it("verifies the fresh log's checkpoint (issuer key, pages' release) and its chain, finds nothing else", async () => {
      const { page, urls, errors } = await openLogPage(browser, server)
      expect(await page.locator('h1').textContent()).toBe('Transparency log')
      expect(await page.locator('#checkpoint-status').textContent()).toContain('Signature verified')
      expect(await page.locator('#checkpoint-status').getAttribute('data-state')).toBe('ok')
      expect(await page.locator('#cp-size').textContent()).toBe('2')
      // A two-leaf tree's root is SHA-256(0x01 ‖ leaf 0 ‖ leaf 1) (RFC 9162 §2.1.1).
      const first = (await (await fetch(`${server.url}/log/entries?start=0&limit=2`)).json()) as {
        entries: { leafHash: string; kind: string }[]
      }
      expect(first.entries.map((e) => e.kind)).toEqual(['issuer-key', 'verifier-release'])
      const root = createHash('sha256')
        .update(Buffer.from([1]))
        .update(Buffer.from(first.entries[0]?.leafHash ?? '', 'hex'))
        .update(Buffer.from(first.entries[1]?.leafHash ?? '', 'hex'))
        .digest()
      expect(await page.locator('#cp-root').textContent()).toBe(toBase64(root))
      await expect
        .poll(() => page.locator('#cp-chain').textContent())
        .toContain('checkpoint of size 1')
      expect(await page.locator('#recent-table caption').count()).toBe(1)

      const status = await lookUp(page, MADE_UP)
      expect(status).toContain('Not found')
      expect(await page.locator('#lookup-status').getAttribute('data-state')).toBe('bad')

      expect(await lookUp(page, 'not a hash')).toContain('code INPUT_UNRECOGNISED')
      expect(await lookUp(page, 'abcd')).toContain('code INPUT_HASH_LENGTH')

      expectPrivate(urls, [MADE_UP])
      expect(urls.some((u) => u.includes(`/log/lookup/${MADE_UP.slice(0, 4)}`))).toBe(true)
      expect(errors).toEqual([])
      if (POSTGRES_SKIP_REASON !== undefined)
        await page.screenshot({ path: SCREENSHOT, fullPage: true })
      await page.close()
    })

    it('says "not verified" with the code when the checkpoint was tampered with', async () => {
      const page = await browser.newPage()
      await page.route('**/log/checkpoint', async (route) => {
        const response = await route.fetch()
        const body = (await response.text()).replace(/\n2\n/, '\n3\n') // claim a bigger tree
        await route.fulfill({ response, body })
      })
      await page.goto(`${server.url}/log.html`)
      const status = page.locator('#checkpoint-status')
      await expect.poll(() => status.getAttribute('data-state')).toBe('bad')
      expect(await status.textContent()).toMatch(/^✗ Not verified.*\(code NOTE_BAD_SIGNATURE\)/)
      expect(await page.locator('#checkpoint-fields').isHidden()).toBe(true)
      expect(await lookUp(page, MADE_UP)).toContain('code CHECKPOINT_UNVERIFIED')
      await page.close()
    })

    it('is linked from the landing page', async () => {
      const page = await browser.newPage()
      await page.goto(`${server.url}/`)
      await page.getByRole('link', { name: 'Transparency log' }).click()
      await expect.poll(() => page.url()).toContain('/log.html')
      await page.close()
    })
  })

  if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

  describe.skipIf(POSTGRES_SKIP_REASON !== undefined)('a seeded log (Postgres)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-log-page-pg-'))
    const origin = 'log-page.vigil.test/log'
    let database: TestDatabase
    let server: RunningServer
    /** Leaf hashes (hex) by index. */
    const leaves = new Map<number, string>()
    let size = 0

    beforeAll(async () => {
      database = await createTestDatabase('postgres', { migrate: true })
      const config = parseConfig({ VIGIL_LOG_ORIGIN: origin, VIGIL_LOG_LEVEL: 'silent' })
      const keys = new KeyStore({
        db: database.db,
        masterKey: TEST_MASTER_KEY,
        random: (n) => crypto.getRandomValues(new Uint8Array(n)),
        logName: origin,
        now: () => new Date(),
      })
      await keys.ensureKeys()
      const ledger = await Ledger.open({
        db: database.db,
        keys,
        config,
        clock: { now: () => new Date() },
      })
      // 260 entries: one full tile (256) and a partial one; then three more, and the server
      // adds the pages' release at start, so the latest checkpoint links back to the one of 263.
      const first = await ledger.append(Array.from({ length: 260 }, (_, n) => entry(n)))
      const artefactHash = await sha256(utf8(JWS))
      const time = roundToHour(Math.floor(Date.now() / 1000))
      const second = await ledger.append([
        { kind: 'credential', artefactHash, keyId: 'issuer-key-1', time },
        entry(1000, 'revocation'),
        // The issuer key's own announcement, so the server's start finds it in the log and
        // appends nothing (a key missing from the log would be announced at start).
        issuerKeyEntry(await keys.active('issuer'), new Date()),
      ])
      for (const a of [...first, ...second]) leaves.set(Number(a.index), toHex(a.leafHash))
      size = leaves.size
      server = await startServer({
        VIGIL_DATA_DIR: dir,
        DATABASE_URL: database.url as string,
        VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
        VIGIL_LOG_ORIGIN: origin,
      })
      // At start the server logs the release of the pages it serves (docs/RELEASES.md).
      const added = (await (
        await fetch(`${server.url}/log/entries?start=${size}&limit=10`)
      ).json()) as { entries: { index: string | number; leafHash: string; kind: string }[] }
      expect(added.entries.map((e) => e.kind)).toEqual(['verifier-release'])
      for (const e of added.entries) leaves.set(Number(e.index), e.leafHash)
      size = leaves.size
    }, 120_000)
    afterAll(async () => {
      await server?.stop()
      await database?.drop()
      rmSync(dir, { recursive: true, force: true })
    })

    it('verifies the checkpoint and its chain link, and lists the newest entries', async () => {
      const { page, errors } = await openLogPage(browser, server)
      expect(await page.locator('#checkpoint-status').textContent()).toContain(
        `Signature verified: the log signed this checkpoint of size ${size}`,
      )
      expect(await page.locator('#cp-size').textContent()).toBe(String(size))
      expect(await page.locator('#cp-origin').textContent()).toBe(origin)
      expect(await page.locator('#cp-time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC/)
      await expect
        .poll(() => page.locator('#cp-chain').textContent())
        .toContain(`Chain link checked: it is the SHA-256 of the checkpoint of size ${size - 1}`)

      await expect.poll(() => page.locator('#recent-body tr').count()).toBe(25)
      const rows = page.locator('#recent-body tr')
      expect(await rows.first().locator('th').textContent()).toBe(String(size - 1))
      expect(await rows.last().locator('th').textContent()).toBe(String(size - 25))
      expect(await rows.nth(2).locator('td').first().textContent()).toBe('revocation')
      expect(errors).toEqual([])
      await page.close()
    })

    it('proves a known leaf hash in the browser, sending only a 4-digit prefix', async () => {
      const { page, urls, errors } = await openLogPage(browser, server)
      const inFullTile = leaves.get(5) as string
      expect(await lookUp(page, inFullTile)).toContain(
        `Included at index 5, verified against the checkpoint of size ${size}.`,
      )
      expect(await page.locator('#lookup-status').getAttribute('data-state')).toBe('ok')
      await page.getByText(/^Proof hashes \(\d+\)$/).click()
      expect(await page.locator('ol.proof li').count()).toBe(9) // ceil(log2(264)) for index 5
      expect(await page.locator('#lookup-details').textContent()).toContain('credential')

      // Upper case, spaces: still a leaf hash. The last leaf sits in the partial tile.
      const last = leaves.get(size - 1) as string
      const spaced = last.toUpperCase().replace(/(.{8})/g, '$1 ')
      expect(await lookUp(page, spaced)).toContain(`Included at index ${size - 1}`)

      // The same leaf hash in base64, as proofs spell hashes.
      const base64 = toBase64(fromHex(inFullTile))
      expect(await lookUp(page, base64)).toContain('Included at index 5, verified')

      expect(await lookUp(page, MADE_UP)).toContain('Not found: no entry in the log')

      expectPrivate(urls, [inFullTile, last, MADE_UP])
      for (const url of urls) expect(decodeURIComponent(url)).not.toContain(base64)
      expect(urls.some((u) => u.includes('/log/tile/0/000'))).toBe(true)
      expect(errors).toEqual([])
      await page.close()
    })

    it('refuses a proof built from a tampered tile, with its code', async () => {
      const page = await browser.newPage()
      await page.route(/\/log\/tile\/0\/000$/, async (route) => {
        const response = await route.fetch()
        const body = Buffer.from(await response.body())
        body[0] = (body[0] as number) ^ 1
        await route.fulfill({ response, body })
      })
      await page.goto(`${server.url}/log.html`)
      await expect
        .poll(() => page.locator('#checkpoint-status').textContent())
        .toContain('verified')
      const status = await lookUp(page, leaves.get(5) as string)
      expect(status).toMatch(/^✗ Not verified: the lookup failed \(code MERKLE_TILE_\w+\)/)
      expect(await page.locator('#lookup-status').getAttribute('data-state')).toBe('bad')
      await page.close()
    })

    it('finds a pasted credential among the recent entries, and checks rows by keyboard', async () => {
      const { page, urls, errors } = await openLogPage(browser, server)
      const status = await lookUp(page, JWS)
      expect(status).toContain(
        `Included at index 260, verified against the checkpoint of size ${size}.`,
      )
      expect(status).toContain("The credential's artefact hash is in entry 260.")

      await expect.poll(() => page.locator('#recent-body tr').count()).toBe(25)
      await page.getByRole('button', { name: `Check the inclusion of entry ${size - 2}` }).focus()
      await page.keyboard.press('Enter')
      await expect
        .poll(() => page.locator('#lookup-status').textContent())
        .toContain(`Included at index ${size - 2}, verified`)
      await page.getByText(/^Proof hashes \(\d+\)$/).click()
      await page.screenshot({ path: SCREENSHOT, fullPage: true })

      expectPrivate(
        urls,
        [...leaves.values()].filter((_, i) => i >= 250),
      )
      expect(errors).toEqual([])
      await page.close()
    })
  })
})
