/**
 * core/dcc runs unchanged in the browser: every dgc-testdata vector with a QR text, a DSC and a
 * validation clock is verified by verifyDcc in Debian Chromium (bundled by Vite, WebCrypto for
 * ES256 and RSA-PSS) and in Node, and the two verdicts (status and deciding code) must agree.
 */
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { build, type Rollup } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../../src/core/codec/index.ts'
import { dccTrust, signerFromDsc } from '../../src/core/dcc/index.ts'
import { verifyDcc } from '../../src/core/verify/index.ts'
import { BROWSER_SKIP_REASON, launchChromium } from '../helpers/browser.ts'
import { dccVectorPaths, readDccVector, validationClock } from '../unit/dcc/vector-file.ts'
import type { PageCase } from './dcc-page.ts'

if (BROWSER_SKIP_REASON) it.skip(BROWSER_SKIP_REASON, () => {})

const cases = dccVectorPaths().flatMap((path): (PageCase & { path: string })[] => {
  const v = readDccVector(path)
  const certificate = v.TESTCTX?.CERTIFICATE
  const now = validationClock(v)
  if (v.PREFIX === undefined || certificate === undefined || now === undefined) return []
  return [{ path, text: v.PREFIX, certificate, now }]
})

async function bundle(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      lib: {
        entry: fileURLToPath(new URL('./dcc-page.ts', import.meta.url)),
        formats: ['es'],
        fileName: 'dcc-page',
      },
    },
  })) as Rollup.RollupOutput[]
  const chunk = out[0]?.output.find((o) => o.type === 'chunk')
  if (chunk === undefined || chunk.type !== 'chunk') throw new Error('no bundle')
  return chunk.code
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)('core/dcc in Chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('gives the verdicts Node gives, on every vector with a text, a DSC and a clock', async () => {
    expect(cases.length).toBeGreaterThan(80)
    const code = await bundle()
    const page = await browser.newPage()
    // http://localhost is a secure context, so WebCrypto is there.
    await page.route('http://localhost/dcc', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><meta charset="utf-8"><title>dcc</title><script type="module">${code}</script>`,
      }),
    )
    await page.goto('http://localhost/dcc')
    await page.waitForFunction(() => 'vigilDcc' in globalThis)
    const input = cases.map(({ text, certificate, now }) => ({ text, certificate, now }))
    const inBrowser = await page.evaluate(
      (c) => (globalThis as unknown as { vigilDcc: (c: unknown) => Promise<string[]> }).vigilDcc(c),
      input,
    )
    const inNode: string[] = []
    for (const c of cases) {
      const trust = dccTrust([await signerFromDsc(fromBase64(c.certificate))])
      const v = await verifyDcc(c.text, { trust, now: c.now })
      inNode.push(`${v.status} ${v.reason?.code ?? ''}`)
    }
    expect(inBrowser.map((r, i) => `${cases[i]?.path}: ${r}`)).toEqual(
      inNode.map((r, i) => `${cases[i]?.path}: ${r}`),
    )
    // PS256 (RSA, CO1), ES256 (CO3) and untagged COSE (ES/1501) verified in the page, and the
    // refusals span the pipeline (prefix, Base45, COSE, CWT, kid, signature, time, EKU, schema).
    const at = (p: string) => inBrowser[cases.findIndex((c) => c.path === p)]
    for (const p of ['CO1', 'CO3'].map((n) => `common/2DCode/raw/${n}.json`)) {
      expect(at(p)).toBe('valid ')
    }
    expect(at('ES/2DCode/raw/1501.json')).toBe('valid ')
    expect(new Set(inBrowser).size).toBeGreaterThanOrEqual(10)
    await page.close()
  })
})
