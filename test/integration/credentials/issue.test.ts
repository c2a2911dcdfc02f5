/**
 * Issuing over HTTP, end to end: the card verifies with Vigil's SHC verifier against the
 * deployment's own JWKS, its receipt proves the ledger holds its hash, the QR PNG decodes back to
 * the same text within version 22, and bad input leaves nothing half-issued.
 */
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../../../src/core/codec/bytes.ts'
import { encodeEntry, roundToHour } from '../../../src/core/leaf/index.ts'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import { verifyTlogProof } from '../../../src/core/note/index.ts'
import { createShcQrSegments, issueShc, verifyShc } from '../../../src/core/shc/index.ts'
import { credentials, facts, logEntries } from '../../../src/platform/db/schema/index.ts'
import { issuerSigner } from '../../../src/services/credentials/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import {
  api,
  immunization,
  longHistory,
  selfTrust,
  testResult,
  tokenFor,
} from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { logPolicy } from '../../helpers/ledger.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
  qr: string
  leafIndex: string
  receipt: string
  links: Record<string, string>
}

describe.each(ENGINES)('issuing credentials on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  let now: number
  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    now = Math.floor(t.ctx.clock.now().getTime() / 1000)
  })
  afterAll(() => t?.close())

  const counts = async () => ({
    credentials: (await t.ctx.db.select().from(credentials)).length,
    log: (await t.ctx.db.select({ idx: logEntries.idx }).from(logEntries)).length,
  })

  it('issues a vaccination card that verifies and is proven in the ledger', async () => {
    const res = await issuer.post('/api/credentials', immunization())
    expect(res.status).toBe(201)
    const body = (await res.json()) as Issued
    expect(body.qr.startsWith('shc:/')).toBe(true)
    const verified = await verifyShc({ jws: body.jws }, selfTrust(t), now)
    expect(verified.iss).toBe('http://localhost:8787')
    expect(verified.revoked).toBeFalsy()
    const kid = (await issuerSigner(t.ctx)).kid
    const leaf = hashLeaf(
      encodeEntry({
        kind: 'credential',
        artefactHash: await sha256(new TextEncoder().encode(body.jws)),
        keyId: kid,
        time: roundToHour(verified.payload.nbf as number),
      }),
    )
    const proof = await verifyTlogProof(body.receipt, leaf, await logPolicy(t.ctx))
    expect(String(proof.index)).toBe(body.leafIndex)
    const [fact] = await t.ctx.db.select().from(facts)
    expect(fact).toMatchObject({ kind: 'dose', product: '208', region: 'NL-NH', ageBand: '30-39' })
    expect(Object.keys(fact ?? {})).not.toContain('name')
  })

  it('issues a test result card', async () => {
    const res = await issuer.post('/api/credentials', testResult())
    expect(res.status).toBe(201)
    const body = (await res.json()) as Issued
    const v = await verifyShc({ qr: body.qr }, selfTrust(t), now)
    expect(JSON.stringify(v.bundle)).toContain('94558-4')
  })

  it('serves the QR as PNG that decodes to the same text, within version 22', async () => {
    const body = (await (await issuer.post('/api/credentials', immunization())).json()) as Issued
    const png = await issuer.get(`/api/credentials/${body.id}/qr.png`)
    expect(png.headers.get('content-type')).toBe('image/png')
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()))
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)
    expect(decoded?.data).toBe(body.qr)
    expect(
      QRCode.create(createShcQrSegments(body.jws, 'L') as never, { errorCorrectionLevel: 'L' })
        .version,
    ).toBeLessThanOrEqual(22)
    const svg = await (await issuer.get(`/api/credentials/${body.id}/qr.svg`)).text()
    expect(svg.startsWith('<svg')).toBe(true)
    const file = JSON.parse(
      await (await issuer.get(`/api/credentials/${body.id}/card.smart-health-card`)).text(),
    )
    expect(file.verifiableCredential).toEqual([body.jws])
    const page = await (await issuer.get(`/api/credentials/${body.id}/passport`)).text()
    expect(page).toContain('Anne Marie Jansen')
    // The citizen's link is a capability: its key sits after '#', so browsers never send it.
    expect(body.links.passport).toMatch(
      new RegExp(`^http://localhost:8787/passport/${body.id}#k=[A-Za-z0-9_-]{22}$`),
    )
    expect(body.links.print).toBe(`http://localhost:8787/api/credentials/${body.id}/passport`)
  })

  it('publishes a JWK Set with the SHC fields and no private part', async () => {
    const res = await t.app.request('/.well-known/jwks.json')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] }
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      crlVersion: 1,
    })
    expect(keys[0]?.d).toBeUndefined()
  })

  it('a card signed with the issuer key but never issued is not in the ledger (the stolen-key case)', async () => {
    const signer = await issuerSigner(t.ctx)
    const forged = await issueShc({
      bundle: JSON.parse(
        JSON.stringify(
          (
            await verifyShc(
              {
                jws: (
                  (await (await issuer.post('/api/credentials', immunization())).json()) as Issued
                ).jws,
              },
              selfTrust(t),
              now,
            )
          ).bundle,
        ),
      ),
      iss: signer.iss,
      nbf: now,
      keyPair: signer.keyPair,
      allowLoopbackHttp: true,
    })
    await verifyShc({ jws: forged }, selfTrust(t), now) // the signature alone says "valid"
    const leaf = hashLeaf(
      encodeEntry({
        kind: 'credential',
        artefactHash: await sha256(new TextEncoder().encode(forged)),
        keyId: signer.kid,
        time: roundToHour(now),
      }),
    )
    const hex = Buffer.from(leaf).toString('hex')
    const { matches } = (await (await t.app.request(`/log/lookup/${hex.slice(0, 4)}`)).json()) as {
      matches: { leafHash: string }[]
    }
    expect(matches.some((m) => m.leafHash === hex)).toBe(false)
  })

  it.each([
    ['a missing field', immunization({ region: undefined }), 400, 'VALIDATION', 'body.region'],
    [
      'an unknown vaccine code',
      immunization({ immunizations: [{ code: '99999', date: '2021-05-01' }] }),
      400,
      'VALIDATION',
      'body.immunizations.0.code',
    ],
    [
      'a date before birth',
      immunization({ immunizations: [{ code: '208', date: '1980-01-01' }] }),
      400,
      'FHIR_DATE_BEFORE_BIRTH',
      'immunizations.0.date',
    ],
    [
      'a future date',
      immunization({ immunizations: [{ code: '208', date: '2030-01-01' }] }),
      400,
      'FHIR_DATE_FUTURE',
      'immunizations.0.date',
    ],
    ['an unknown field', { ...immunization(), ssn: '123' }, 400, 'VALIDATION', undefined],
  ])('%s is a field-level problem and issues nothing', async (_name, body, status, code, field) => {
    const before = await counts()
    const res = await issuer.post('/api/credentials', body)
    expect(res.status).toBe(status)
    const problem = (await res.json()) as { code: string; field?: string }
    expect(problem.code).toBe(code)
    if (field !== undefined) expect(problem.field).toBe(field)
    expect(await counts()).toEqual(before)
  })

  it('a long history (a card over 1,195 characters) is issued without a QR and shared as a SMART Health Link', async () => {
    // SHC 1.4: such a card does not fit one QR; it travels as a link, never as chunked codes.
    const res = await issuer.post('/api/credentials', longHistory())
    expect(res.status).toBe(201)
    const body = (await res.json()) as Omit<Issued, 'qr'> & { qr: string | null }
    expect(body.jws.length).toBeGreaterThan(1195)
    expect(body.qr).toBeNull()
    expect((await verifyShc({ jws: body.jws }, selfTrust(t), now)).revoked).toBe(false)
    const key = new URL(body.links.passport as string).hash.slice('#k='.length)
    const passport = await t.app.request(`/api/passport/${body.id}`, {
      headers: { 'x-vigil-passport-key': key },
    })
    expect(await passport.json()).toMatchObject({ qr: null, svg: null, jws: body.jws })
    // Its QR renderings are refused with a reason; the printed page says to share a link.
    for (const image of ['qr.svg', 'qr.png']) {
      const qr = await issuer.get(`/api/credentials/${body.id}/${image}`)
      expect(qr.status).toBe(409)
      expect(((await qr.json()) as { code: string }).code).toBe('QR_TOO_LONG')
    }
    const printed = await (await issuer.get(`/api/credentials/${body.id}/passport`)).text()
    expect(printed).toContain('too long for one QR code')
    expect(printed).not.toContain('<svg')
    const link = await t.app.request(`/api/passport/${body.id}/links`, {
      method: 'POST',
      headers: { 'x-vigil-passport-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ credentials: [body.id] }),
    })
    expect(link.status).toBe(201)
  })

  it('bad JSON, no token, and a token without the issuer role are refused', async () => {
    expect(
      ((await (await issuer.post('/api/credentials', '{"type":')).json()) as { code: string }).code,
    ).toBe('MALFORMED_JSON')
    expect((await api(t).post('/api/credentials', immunization())).status).toBe(401)
    const tracer = api(t, await tokenFor(t, ['tracer']))
    expect((await tracer.post('/api/credentials', immunization())).status).toBe(403)
  })
})
