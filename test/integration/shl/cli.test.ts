/**
 * `vigil verify shlink:/…`: links of each flag combination, served by the app on a real loopback
 * socket, opened by the command as a receiving application; every card verifies against the
 * deployment named by --url (signature, revocation, ledger inclusion), the FHIR bundle is
 * summarised and saved; refusals come back with their code and exit status.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey } from '../../../src/core/note/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { runVigil } from '../../helpers/cli.ts'
import { api, immunization, tokenFor } from '../../helpers/credentials.ts'
import { freePort } from '../../helpers/server.ts'
import { asHolder, type Holder, holderWith, makeLink } from '../../helpers/shl.ts'

const NOW = '2026-11-24T12:00:00Z'

describe('vigil verify with SMART Health Links', () => {
  let t: TestApp
  let h: Holder
  let base: string
  let close: () => void
  let dir: string

  beforeAll(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    t = await createTestApp('pglite', { PUBLIC_URL: base })
    const server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' })
    close = () => {
      if ('closeAllConnections' in server) server.closeAllConnections()
      server.close()
    }
    h = await holderWith(t, { immunizations: 2, tests: 1 })
    dir = mkdtempSync(join(tmpdir(), 'vigil-shl-'))
  })
  afterAll(async () => {
    close?.()
    rmSync(dir, { recursive: true, force: true })
    await t?.close()
  })

  const verify = async (...args: string[]) => {
    const r = await runVigil(['verify', ...args, '--now', NOW])
    return { ...r, json: r.stdout === '' ? undefined : JSON.parse(r.stdout) }
  }

  for (const [flag, input] of [
    ['', { bundle: true }],
    ['L', { longTerm: true, bundle: true }],
    ['P', { passcode: '2718', bundle: true }],
    ['LP', { longTerm: true, passcode: '2718', bundle: true }],
    ['U', { singleFile: true }],
    ['LU', { longTerm: true, singleFile: true }],
  ] as const) {
    it(`flag "${flag}": every card valid (signature, revocation, ledger), exit 0`, async () => {
      const made = await makeLink(t, h, input)
      const save = join(dir, `bundle-${flag}.json`)
      const r = await verify(
        made.viewerUrl,
        '--url',
        base,
        '--recipient',
        'Farmacia Sol',
        '--save-fhir',
        save,
        ...('passcode' in input ? ['--passcode', input.passcode] : []),
      )
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.json.link.flag).toBe(flag)
      expect(r.json.cards.map((c: { verdict: { status: string } }) => c.verdict.status)).toEqual([
        'valid',
        'valid',
        'valid',
      ])
      const ledger = r.json.cards[0].verdict.checks.find((c: { id: string }) => c.id === 'ledger')
      expect(ledger.result).toBe('pass')
      if ('bundle' in input) {
        expect(r.json.fhir[0].summary.entries).toHaveLength(3)
        const saved = JSON.parse(readFileSync(save, 'utf8'))
        expect(saved.resourceType).toBe('Bundle')
        expect(saved.type).toBe('document')
      } else {
        expect(r.json.fhir).toEqual([])
      }
      // The sharer sees who opened it.
      const list = await (await asHolder(t, h, 'GET', `/api/passport/${h.id}/links`)).json()
      const link = list.links.find((l: { id: string }) => l.id === made.link.id)
      expect(link.access[0].recipient).toBe('Farmacia Sol')
    })
  }

  it('without --url the cards cannot be confirmed: exit 3', async () => {
    const made = await makeLink(t, h, {})
    const r = await verify(made.shlink)
    expect(r.status).toBe(3)
    expect(r.json.cards[0].verdict.status).toBe('cannot-confirm')
  })

  it('a wrong passcode: exit 1 with SHL_PASSCODE_WRONG and the attempts left; none at all: exit 2', async () => {
    const made = await makeLink(t, h, { passcode: '1618' })
    const wrong = await verify(made.shlink, '--url', base, '--passcode', '0000')
    expect(wrong.status).toBe(1)
    expect(wrong.json.error).toMatchObject({ code: 'SHL_PASSCODE_WRONG', remainingAttempts: 9 })
    const none = await verify(made.shlink, '--url', base)
    expect(none.status).toBe(2)
    expect(none.json.error.code).toBe('SHL_PASSCODE_REQUIRED')
  })

  it('a deactivated link: exit 1 with SHL_NOT_FOUND (named with --trust, the earlier name of --url)', async () => {
    const made = await makeLink(t, h, {})
    await asHolder(t, h, 'PATCH', `/api/passport/${h.id}/links/${made.link.id}`, { active: false })
    const r = await verify(made.shlink, '--trust', base)
    expect(r.status).toBe(1)
    expect(r.json.error.code).toBe('SHL_NOT_FOUND')
  })

  it('a scanned card (shc:/) or its file with --url: valid, exit 0; once revoked: exit 1; without --url: exit 3', async () => {
    const issuer = api(t, await tokenFor(t, ['issuer']))
    const issued = (await (await issuer.post('/api/credentials', immunization())).json()) as {
      id: string
      qr: string
    }
    const scanned = await verify(issued.qr, '--url', base)
    expect(scanned.stderr).toBe('')
    expect(scanned.status).toBe(0)
    const ledger = scanned.json.verdict.checks.find((c: { id: string }) => c.id === 'ledger')
    expect(ledger.result).toBe('pass')
    expect(scanned.json.trust).toEqual([{ url: base, vkey: expect.any(String), pinned: false }])
    const vkey = scanned.json.trust[0].vkey as string
    const file = join(dir, 'card.smart-health-card')
    writeFileSync(
      file,
      await (await issuer.get(`/api/credentials/${issued.id}/card.smart-health-card`)).text(),
    )
    const pinned = await verify(file, '--url', base, '--vkey', vkey)
    expect(pinned.status).toBe(0)
    expect(pinned.json.trust[0].pinned).toBe(true)
    const alone = await verify(issued.qr)
    expect(alone.status).toBe(3)
    expect(alone.json.verdict.status).toBe('cannot-confirm')
    const revoked = await issuer.post(`/api/credentials/${issued.id}/revoke`, { reason: 'test' })
    expect(revoked.status).toBe(200)
    const after = await verify(issued.qr, '--url', base)
    expect(after.status).toBe(1)
    expect(after.json.plain.code).toBe('SHC_REVOKED')
  })

  it('usage: --vkey with two deployments, a key that is not the log key, an unreachable --url: exit 2', async () => {
    const text =
      'shc:/5676290952432060346029243740446031222959532654603460292540772804336028702864716745222809286133314564376531415906402203064504590856435503414245413640370636654171372412363803043756220467374075323239254334433260573601064529315312707424283950386922127667'
    const other = (
      await generateSignerKey('other.example/log', (n) => crypto.getRandomValues(new Uint8Array(n)))
    ).vkey
    expect((await verify(text, '--url', base, '--url', base, '--vkey', other)).status).toBe(2)
    const forged = await verify(text, '--url', base, '--vkey', other)
    expect(forged.status).toBe(2)
    expect(forged.stdout).toBe('')
    expect(forged.stderr).toContain('VERIFY_TRUST_SIGNATURE')
    const down = await verify(text, '--url', `http://127.0.0.1:${await freePort()}`)
    expect(down.status).toBe(2)
    expect(down.stderr).toContain('vigil verify: --url:')
  })
})
