/**
 * Interoperability with an independent SMART Health Links implementation: Vinta Software's
 * `kill-the-clipboard` 1.1.0 (npm, MIT; its own payload parser, manifest client, JWE code on
 * jose 4, and SHC reader). Links Vigil makes open in its viewer, cards verified by its reader
 * against Vigil's issuer key; a link its manifest builder makes opens in Vigil's client, and the
 * cards in it verify with Vigil's verifier.
 */
import { SHL, SHLManifestBuilder, SHLViewer } from 'kill-the-clipboard'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyShc } from '../../../src/core/shc/index.ts'
import { openShlink } from '../../../src/core/shl/index.ts'
import { readPersonalData } from '../../../src/services/credentials/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { selfTrust } from '../../helpers/credentials.ts'
import { appFetch, type Holder, holderWith, makeLink } from '../../helpers/shl.ts'

const NOW = Math.floor(Date.parse('2026-11-24T12:00:00Z') / 1000)

describe('SMART Health Links with kill-the-clipboard', () => {
  let t: TestApp
  let h: Holder
  let jws: string[]
  let issuerKey: JsonWebKey

  beforeAll(async () => {
    t = await createTestApp('pglite')
    h = await holderWith(t, { immunizations: 2, tests: 1 })
    jws = await Promise.all(
      h.credentials.map(async (id) => (await readPersonalData(t.ctx, id))?.jws as string),
    )
    const { keys } = (await (await t.app.request('/.well-known/jwks.json')).json()) as {
      keys: JsonWebKey[]
    }
    issuerKey = keys[0] as JsonWebKey
  })
  afterAll(() => t?.close())

  describe('links made by Vigil open in kill-the-clipboard', () => {
    for (const [flag, input] of [
      ['', { bundle: true }],
      ['L', { longTerm: true, bundle: true }],
      ['P', { passcode: '3141', bundle: true }],
      ['LP', { longTerm: true, passcode: '3141' }],
      ['U', { singleFile: true }],
      ['LU', { longTerm: true, singleFile: true }],
    ] as const) {
      it(`flag "${flag}": its viewer decrypts every file and its reader verifies every card`, async () => {
        const made = await makeLink(t, h, input)
        const viewer = new SHLViewer({ shlinkURI: made.viewerUrl, fetch: appFetch(t) })
        expect(viewer.shl.flag ?? '').toBe(flag)
        const resolved = await viewer.resolveSHL({
          recipient: 'KTC receiver',
          ...('passcode' in input ? { passcode: input.passcode } : {}),
          shcReaderConfig: { publicKey: issuerKey },
        })
        expect(resolved.smartHealthCards.map((c) => c.asJWS())).toEqual(jws)
        const docs = resolved.fhirResources as { resourceType: string; type?: string }[]
        expect(docs.map((r) => `${r.resourceType}/${r.type}`)).toEqual(
          'bundle' in input ? ['Bundle/document'] : [],
        )
      })
    }

    it('its viewer reads a Vigil manifest that sends every file as a location', async () => {
      const made = await makeLink(t, h, { bundle: true })
      const viewer = new SHLViewer({ shlinkURI: made.shlink, fetch: appFetch(t) })
      const manifest = await viewer.fetchManifest({
        url: viewer.shl.url,
        recipient: 'KTC',
        embeddedLengthMax: 0,
      })
      expect(manifest.files.every((f) => 'location' in f)).toBe(true)
      const files = await viewer.decryptFiles(manifest)
      expect(files.map((f) => f.contentType)).toEqual([
        'application/smart-health-card',
        'application/smart-health-card',
        'application/smart-health-card',
        'application/fhir+json',
      ])
    })
  })

  describe('a link made by kill-the-clipboard opens in Vigil', () => {
    for (const embeddedLengthMax of [undefined, 0]) {
      it(`its manifest builder's files decrypt in Vigil's client and the cards verify (embeddedLengthMax ${embeddedLengthMax})`, async () => {
        const base = 'https://ktc.example.org'
        const shl = SHL.generate({
          baseManifestURL: base,
          manifestPath: '/manifest.json',
          flag: 'L',
        })
        const stored = new Map<string, string>()
        const builder = new SHLManifestBuilder({
          shl,
          uploadFile: async (content) => {
            const path = `f${stored.size}`
            stored.set(path, content)
            return path
          },
          getFileURL: async (path) => `${base}/files/${path}`,
          loadFile: async (path) => stored.get(path) as string,
        })
        for (const card of jws) await builder.addHealthCard({ shc: card })
        const bundle = { resourceType: 'Bundle', type: 'collection', entry: [] }
        await builder.addFHIRResource({ content: bundle as never })
        // The sharer's HTTP face, as the library's demo server wires it (manifest POST, files GET).
        const server = async (url: string, init?: RequestInit) => {
          if (url === shl.url && init?.method === 'POST') {
            const body = JSON.parse(String(init.body)) as { embeddedLengthMax?: number }
            const manifest = await builder.buildManifest(
              body.embeddedLengthMax === undefined
                ? {}
                : { embeddedLengthMax: body.embeddedLengthMax },
            )
            return Response.json(manifest)
          }
          const file = stored.get(url.slice(`${base}/files/`.length))
          return file === undefined
            ? new Response('', { status: 404 })
            : new Response(file, { headers: { 'content-type': 'application/jose' } })
        }
        const opened = await openShlink(shl.toURI(), {
          fetch: server,
          recipient: 'Vigil',
          now: NOW,
          ...(embeddedLengthMax === undefined ? {} : { embeddedLengthMax }),
        })
        expect(opened.payload.flags.longTerm).toBe(true)
        expect(opened.files.map((f) => f.source)).toEqual(
          Array(4).fill(embeddedLengthMax === 0 ? 'location' : 'embedded'),
        )
        const cards = opened.files.flatMap((f) => (f.content.kind === 'shc' ? f.content.jws : []))
        expect(cards).toEqual(jws)
        for (const card of cards)
          expect((await verifyShc({ jws: card }, selfTrust(t), NOW)).revoked).toBe(false)
        const fhir = opened.files.find((f) => f.content.kind === 'fhir')
        expect(fhir?.content).toEqual({ kind: 'fhir', resource: bundle })
      })
    }
  })
})
