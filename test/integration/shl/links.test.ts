/**
 * SMART Health Links end to end through the real app, on each engine: a link for every flag
 * combination opened by the core's receiving client (the verifier page and the CLI use the same
 * one), the decrypted files equal to what was shared and every card verifying; then each of the
 * IG's rules that a server must keep, one test each.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShlLinkView } from '../../../src/core/api-types/index.ts'
import { fromBase64Url, toHex } from '../../../src/core/codec/index.ts'
import { summarise } from '../../../src/core/fhir/index.ts'
import { verifyShc } from '../../../src/core/shc/index.ts'
import { openShlink, parseShlink, type ShlErrorCode } from '../../../src/core/shl/index.ts'
import { createApp } from '../../../src/http/app.ts'
import { jsonLogger } from '../../../src/platform/context/index.ts'
import { rowsOf } from '../../../src/platform/db/index.ts'
import { readPersonalData } from '../../../src/services/credentials/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { immunization, selfTrust, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import {
  appFetch,
  asHolder,
  type Holder,
  holderWith,
  issue,
  makeLink,
  manifestPath,
} from '../../helpers/shl.ts'
import { later } from '../staff/helpers.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const NOW = () => Math.floor(Date.parse('2026-11-24T12:00:00Z') / 1000)
const DAY = 86_400_000

async function codeOf(p: Promise<unknown>): Promise<ShlErrorCode | undefined> {
  try {
    await p
  } catch (err) {
    return (err as { code?: ShlErrorCode }).code
  }
  return undefined
}

const post = (t: TestApp, url: string, body: unknown) =>
  t.app.request(manifestPath(t, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe.each(ENGINES)('SMART Health Links on %s', (engine) => {
  let t: TestApp
  let h: Holder
  /** Each credential's JWS, as issued. */
  const jwsOf = new Map<string, string>()

  beforeAll(async () => {
    t = await createTestApp(engine)
    h = await holderWith(t, { immunizations: 2, tests: 1 })
    for (const id of h.credentials)
      jwsOf.set(id, (await readPersonalData(t.ctx, id))?.jws as string)
  })
  afterAll(() => t?.close())

  const open = (shlink: string, extra: { passcode?: string; embeddedLengthMax?: number } = {}) =>
    openShlink(shlink, { fetch: appFetch(t), recipient: 'Clínica Norte', now: NOW(), ...extra })

  describe('round trip for each flag combination', () => {
    const combos = [
      { flag: '', input: { bundle: true } },
      { flag: 'L', input: { longTerm: true, bundle: true } },
      { flag: 'P', input: { passcode: '4821', bundle: true } },
      { flag: 'LP', input: { longTerm: true, passcode: '4821', bundle: true } },
      { flag: 'U', input: { singleFile: true } },
      { flag: 'LU', input: { longTerm: true, singleFile: true } },
    ]
    for (const { flag, input } of combos) {
      it(`flag "${flag}": the files decrypt to what was shared and every card verifies`, async () => {
        const made = await makeLink(t, h, { label: `flag ${flag}`, ...input })
        const payload = parseShlink(made.shlink)
        expect(payload.flag ?? '').toBe(flag)
        expect(made.link.flag).toBe(flag)
        expect(parseShlink(made.viewerUrl).url).toBe(payload.url)
        const opened = await open(made.shlink, input.passcode ? { passcode: input.passcode } : {})
        const cards = opened.files.flatMap((f) => (f.content.kind === 'shc' ? f.content.jws : []))
        expect(cards).toEqual(h.credentials.map((id) => jwsOf.get(id)))
        for (const jws of cards) {
          const v = await verifyShc({ jws }, selfTrust(t), NOW())
          expect(v.revoked).toBe(false)
        }
        const bundles = opened.files.filter((f) => f.content.kind === 'fhir')
        expect(bundles).toHaveLength(input.bundle ? 1 : 0)
        if (input.bundle) {
          const doc = bundles[0]?.content as { resource: Record<string, unknown> }
          expect(doc.resource.type).toBe('document')
          // Every dose and the test of the three cards, under one Patient.
          const s = summarise(doc.resource)
          expect(s.entries.map((e) => e.kind)).toEqual(['immunization', 'immunization', 'test'])
          expect(s.name).toContain('Ana')
        }
        if (flag.includes('U')) expect(opened.files.map((f) => f.source)).toEqual(['direct'])
      })
    }

    it('a wrong passcode is refused with remainingAttempts; none at all is refused before any request', async () => {
      const made = await makeLink(t, h, { passcode: '9911' })
      expect(await codeOf(open(made.shlink))).toBe('SHL_PASSCODE_REQUIRED')
      let remaining: number | undefined
      try {
        await open(made.shlink, { passcode: '0000' })
      } catch (err) {
        remaining = (err as { remainingAttempts?: number }).remainingAttempts
      }
      expect(remaining).toBe(9)
      expect((await open(made.shlink, { passcode: '9911' })).files.length).toBe(3)
    })
  })

  describe('the rules of the IG, each a test', () => {
    it('manifest URL: 256 random bits in its last segment, at most 128 characters; key: 43 characters, 32 bytes', async () => {
      const a = parseShlink((await makeLink(t, h, {})).shlink)
      const b = parseShlink((await makeLink(t, h, {})).shlink)
      for (const p of [a, b]) {
        expect(p.url.length).toBeLessThanOrEqual(128)
        const segment = p.url.split('/').pop() as string
        expect(segment).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(fromBase64Url(segment)).toHaveLength(32)
        expect(p.key).toHaveLength(43)
        expect(fromBase64Url(p.key)).toHaveLength(32)
      }
      expect(a.url).not.toBe(b.url)
      expect(a.key).not.toBe(b.key)
    })

    it('label: 80 characters pass, 81 are refused (VALIDATION, field body.label)', async () => {
      expect(
        parseShlink((await makeLink(t, h, { label: 'x'.repeat(80) })).shlink).label,
      ).toHaveLength(80)
      const res = await asHolder(t, h, 'POST', `/api/passport/${h.id}/links`, {
        label: 'x'.repeat(81),
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'VALIDATION', field: 'body.label' })
    })

    it('U with P is refused (VALIDATION, field body.singleFile)', async () => {
      const res = await asHolder(t, h, 'POST', `/api/passport/${h.id}/links`, {
        singleFile: true,
        passcode: '1234',
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'VALIDATION', field: 'body.singleFile' })
    })

    it('404 once deactivated, for the manifest and for a location given before', async () => {
      const made = await makeLink(t, h, {})
      const url = parseShlink(made.shlink).url
      const res = await post(t, url, { recipient: 'A', embeddedLengthMax: 0 })
      const { files } = (await res.json()) as { files: { location: string }[] }
      const change = await asHolder(t, h, 'PATCH', `/api/passport/${h.id}/links/${made.link.id}`, {
        active: false,
      })
      expect(((await change.json()) as ShlLinkView).state).toBe('deactivated')
      const after = await post(t, url, { recipient: 'A' })
      expect(after.status).toBe(404)
      expect(await after.json()).toMatchObject({ code: 'SHL_NOT_FOUND' })
      expect((await t.app.request(manifestPath(t, files[0]?.location as string))).status).toBe(404)
      expect(await codeOf(open(made.shlink))).toBe('SHL_NOT_FOUND')
    })

    it('404 once expired (the server checks its own clock; exp is only a hint to receivers)', async () => {
      const expiresAt = new Date(t.ctx.clock.now().getTime() + DAY).toISOString()
      const made = await makeLink(t, h, { expiresAt })
      expect(parseShlink(made.shlink).exp).toBe(Math.floor(Date.parse(expiresAt) / 1000))
      const url = parseShlink(made.shlink).url
      expect((await post(t, url, { recipient: 'A' })).status).toBe(200)
      const res = await later(t, DAY + 1000, async () => await post(t, url, { recipient: 'A' }))
      expect(res.status).toBe(404)
      // The client refuses a stale link before asking.
      expect(
        await codeOf(
          openShlink(made.shlink, { fetch: appFetch(t), recipient: 'A', now: NOW() + 86_401 }),
        ),
      ).toBe('SHL_EXPIRED')
    })

    it('location: single use, and gone after five minutes', async () => {
      const made = await makeLink(t, h, { bundle: true })
      const url = parseShlink(made.shlink).url
      const locations = async () => {
        const res = await post(t, url, { recipient: 'A', embeddedLengthMax: 0 })
        const { files } = (await res.json()) as {
          files: { location?: string; embedded?: string }[]
        }
        expect(files.every((f) => f.embedded === undefined)).toBe(true)
        return files.map((f) => manifestPath(t, f.location as string))
      }
      const [first] = await locations()
      const once = await t.app.request(first as string)
      expect(once.status).toBe(200)
      expect(once.headers.get('content-type')).toBe('application/jose')
      expect((await t.app.request(first as string)).status).toBe(404)
      const [second] = await locations()
      const stale = await later(
        t,
        5 * 60_000 + 1000,
        async () => await t.app.request(second as string),
      )
      expect(stale.status).toBe(404)
    })

    it('embeddedLengthMax: no embedded file is longer; longer files come as locations', async () => {
      const made = await makeLink(t, h, { bundle: true })
      const url = parseShlink(made.shlink).url
      const all = (await (await post(t, url, { recipient: 'A' })).json()) as {
        files: { embedded?: string }[]
      }
      const lengths = all.files.map((f) => (f.embedded as string).length).sort((a, b) => a - b)
      const max = lengths[1] as number
      const some = (await (
        await post(t, url, { recipient: 'A', embeddedLengthMax: max })
      ).json()) as {
        files: { embedded?: string; location?: string }[]
      }
      for (const f of some.files) {
        if (f.embedded !== undefined) expect(f.embedded.length).toBeLessThanOrEqual(max)
      }
      expect(some.files.filter((f) => f.embedded !== undefined)).toHaveLength(
        lengths.filter((l) => l <= max).length,
      )
      expect(some.files.filter((f) => f.location !== undefined).length).toBeGreaterThan(0)
      // And the receiving client opens the mixed manifest.
      expect((await open(made.shlink, { embeddedLengthMax: max })).files).toHaveLength(4)
    })

    it('the key never reaches the server: not in the database, the access log or the request log', async () => {
      const lines: string[] = []
      const logged = createApp(
        { ...t.ctx, logger: jsonLogger('debug', (l) => lines.push(l)), version: 'test' },
        { accessLog: true },
      )
      const res = await logged.request(`/api/passport/${h.id}/links`, {
        method: 'POST',
        headers: { 'x-vigil-passport-key': h.key, 'content-type': 'application/json' },
        body: JSON.stringify({ longTerm: true, passcode: '5555', bundle: true }),
      })
      const made = (await res.json()) as { shlink: string; link: ShlLinkView }
      const payload = parseShlink(made.shlink)
      const fetcher = async (url: string, init?: RequestInit) =>
        await logged.request(url.replace(t.ctx.config.publicUrl, ''), init)
      await openShlink(made.shlink, {
        fetch: fetcher,
        recipient: 'R',
        passcode: '5555',
        now: NOW(),
      })
      const key = fromBase64Url(payload.key)
      const needles = [payload.key, toHex(key), made.shlink.slice(8, 60)]
      const dump = rowsOf<{ j: string }>(
        await t.ctx.db.execute(sql`
          SELECT row_to_json(x)::text AS j FROM shl_links x UNION ALL
          SELECT row_to_json(x)::text FROM shl_files x UNION ALL
          SELECT row_to_json(x)::text FROM shl_access x UNION ALL
          SELECT row_to_json(x)::text FROM shl_tickets x UNION ALL
          SELECT row_to_json(x)::text FROM audit_events x`),
      )
        .map((r) => r.j)
        .join('\n')
      expect(dump).toContain(made.link.id)
      expect(lines.length).toBeGreaterThan(1)
      for (const needle of needles) {
        expect(dump).not.toContain(needle)
        expect(lines.join('\n')).not.toContain(needle)
      }
      // The long-term link's sealed key is not the key (nor holds it in clear).
      const [row] = rowsOf<{ key_sealed: Uint8Array }>(
        await t.ctx.db.execute(sql`SELECT key_sealed FROM shl_links WHERE id = ${made.link.id}`),
      )
      expect(toHex(new Uint8Array(row?.key_sealed ?? []))).not.toContain(toHex(key))
      // …and the passcode is stored only as a scrypt hash.
      expect(dump).not.toContain('"5555"')
      expect(dump).toMatch(/scrypt\$16384\$8\$1\$/)
    })
  })

  describe('manifests asked at once (answered together, one statement per batch)', () => {
    const accessCount = async (linkId: string) =>
      Number(
        rowsOf<{ n: string }>(
          await t.ctx.db.execute(
            sql`select count(*)::text as n from shl_access where link_id = ${linkId} and outcome = 'manifest'`,
          ),
        )[0]?.n,
      )

    it('each request gets its own link’s files and is logged once; flagged and unknown links answer as alone', async () => {
      const withBundle = await makeLink(t, h, { bundle: true })
      const cardsOnly = await makeLink(t, h, {})
      const passcode = await makeLink(t, h, { passcode: '7310', bundle: true })
      const unknown = `${t.ctx.config.publicUrl}/shl/${'A'.repeat(43)}`
      const asks = [
        ...Array.from({ length: 16 }, () => ({
          url: parseShlink(withBundle.shlink).url,
          files: 4,
        })),
        ...Array.from({ length: 16 }, () => ({ url: parseShlink(cardsOnly.shlink).url, files: 3 })),
        ...Array.from({ length: 6 }, () => ({ url: parseShlink(passcode.shlink).url, files: 4 })),
        ...Array.from({ length: 6 }, () => ({ url: unknown, files: -1 })),
      ]
      const answers = await Promise.all(
        asks.map((a, i) => post(t, a.url, { recipient: `R${i}`, passcode: '7310' })),
      )
      for (const [i, res] of answers.entries()) {
        const ask = asks[i] as (typeof asks)[number]
        if (ask.files === -1) {
          expect(res.status).toBe(404)
          continue
        }
        expect(res.status).toBe(200)
        const { files } = (await res.json()) as { files: { contentType: string }[] }
        expect(files.length).toBe(ask.files)
      }
      expect(await accessCount(withBundle.link.id)).toBe(16)
      expect(await accessCount(cardsOnly.link.id)).toBe(16)
      expect(await accessCount(passcode.link.id)).toBe(6)
      // Every request's own recipient words, once each.
      const recipients = rowsOf<{ recipient: string }>(
        await t.ctx.db.execute(
          sql`select recipient from shl_access where link_id = ${withBundle.link.id} order by id`,
        ),
      ).map((r) => r.recipient)
      expect(recipients.sort()).toEqual(Array.from({ length: 16 }, (_, i) => `R${i}`).sort())
    })

    it('deactivated while requests stream: every 200 was logged, and none after the change', async () => {
      const made = await makeLink(t, h, { bundle: true })
      const url = parseShlink(made.shlink).url
      let changed = false
      let okBefore = 0
      let okAfter = 0
      let refusedBefore = 0
      const stream = async () => {
        for (let i = 0; i < 12; i++) {
          const startedAfter = changed
          const res = await post(t, url, { recipient: 'Stream' })
          if (res.status === 200) {
            if (startedAfter) okAfter++
            else okBefore++
          } else {
            expect(res.status).toBe(404)
            if (!startedAfter) refusedBefore++
          }
        }
      }
      const streams = Array.from({ length: 8 }, stream)
      await new Promise((r) => setTimeout(r, 20))
      const change = await asHolder(t, h, 'PATCH', `/api/passport/${h.id}/links/${made.link.id}`, {
        active: false,
      })
      expect(change.status).toBe(200)
      changed = true
      await Promise.all(streams)
      expect(okAfter).toBe(0)
      expect(okBefore).toBeGreaterThan(0)
      // Nothing acknowledged without its access row; nothing refused is logged.
      expect(await accessCount(made.link.id)).toBe(okBefore)
      expect(okBefore + refusedBefore).toBeLessThanOrEqual(96)
    })
  })

  describe('managing links', () => {
    it('the holder sees who opened a link, can re-label it, and another passport cannot touch it', async () => {
      const made = await makeLink(t, h, { label: 'for the dentist' })
      await open(made.shlink)
      const list = (await (await asHolder(t, h, 'GET', `/api/passport/${h.id}/links`)).json()) as {
        links: ShlLinkView[]
      }
      const mine = list.links.find((l) => l.id === made.link.id)
      expect(mine?.access.map((a) => [a.recipient, a.outcome])).toEqual([
        ['Clínica Norte', 'manifest'],
      ])
      const relabel = await asHolder(t, h, 'PATCH', `/api/passport/${h.id}/links/${made.link.id}`, {
        label: 'dentist, March',
      })
      expect(((await relabel.json()) as ShlLinkView).label).toBe('dentist, March')
      const other = await holderWith(t)
      const res = await asHolder(
        t,
        other,
        'PATCH',
        `/api/passport/${other.id}/links/${made.link.id}`,
        {
          active: false,
        },
      )
      expect(res.status).toBe(404)
      const wrongKey = await asHolder(
        t,
        { ...h, key: other.key },
        'GET',
        `/api/passport/${h.id}/links`,
      )
      expect(wrongKey.status).toBe(404)
    })

    it("another person's credential cannot be shared (NOT_FOUND on that credential)", async () => {
      const other = await holderWith(t)
      const res = await asHolder(t, h, 'POST', `/api/passport/${h.id}/links`, {
        credentials: [other.id],
      })
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', field: 'credentials.0' })
    })

    it('a records system makes and lists links for a passport with its issuer token', async () => {
      const token = await tokenFor(t, ['issuer'])
      const res = await t.app.request(`/api/credentials/${h.id}/links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kinds: ['test'], label: 'lab results' }),
      })
      expect(res.status).toBe(201)
      const made = (await res.json()) as { shlink: string; link: ShlLinkView }
      expect(made.link.credentials).toEqual([h.credentials[2]])
      const opened = await open(made.shlink)
      expect(opened.files.map((f) => f.content.kind)).toEqual(['shc'])
    })
  })

  describe('long-term links follow the holder’s records', () => {
    it('a revoked credential is gone from the next manifest; a new one appears', async () => {
      const p = await holderWith(t, { immunizations: 2 })
      const made = await makeLink(t, p, { longTerm: true })
      const first = await open(made.shlink)
      expect(first.files).toHaveLength(2)
      const token = await tokenFor(t, ['issuer'])
      const revoke = await t.app.request(`/api/credentials/${p.credentials[1]}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'entered in error' }),
      })
      expect(revoke.status).toBe(200)
      const second = await open(made.shlink)
      const cards = second.files.flatMap((f) => (f.content.kind === 'shc' ? f.content.jws : []))
      expect(cards).toEqual([(await readPersonalData(t.ctx, p.credentials[0] as string))?.jws])
      // A new card for the same person (same name and birth date) joins the link.
      const added = await issue(
        t,
        immunization({ patient: p.patient, immunizations: [{ code: '208', date: '2022-01-10' }] }),
      )
      const third = await open(made.shlink)
      expect(third.files.flatMap((f) => (f.content.kind === 'shc' ? f.content.jws : []))).toEqual([
        (await readPersonalData(t.ctx, p.credentials[0] as string))?.jws,
        (await readPersonalData(t.ctx, added))?.jws,
      ])
      const list = (await (await asHolder(t, p, 'GET', `/api/passport/${p.id}/links`)).json()) as {
        links: ShlLinkView[]
      }
      expect(list.links[0]?.credentials).toEqual([p.credentials[0], added])
    })

    it('a non-long-term link leaves a revoked card out too (its file is per card)', async () => {
      const p = await holderWith(t, { immunizations: 2 })
      const made = await makeLink(t, p, {})
      const token = await tokenFor(t, ['issuer'])
      await t.app.request(`/api/credentials/${p.credentials[0]}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'entered in error' }),
      })
      expect((await open(made.shlink)).files).toHaveLength(1)
    })

    it("erasing the passport's personal data deletes its links (crypto-shredding)", async () => {
      const p = await holderWith(t)
      const made = await makeLink(t, p, { longTerm: true })
      const token = await tokenFor(t, ['issuer'])
      const erase = await t.app.request(`/api/credentials/${p.id}/personal-data`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(erase.status).toBeLessThan(300)
      expect(await codeOf(open(made.shlink))).toBe('SHL_NOT_FOUND')
      const rows = rowsOf(
        await t.ctx.db.execute(sql`SELECT 1 FROM shl_links WHERE id = ${made.link.id}`),
      )
      expect(rows).toHaveLength(0)
    })
  })
})
