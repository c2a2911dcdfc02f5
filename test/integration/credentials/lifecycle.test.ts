/** Revocation and the CRL, correction (re-issue), erasure, and idempotent bulk issuing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyShc } from '../../../src/core/shc/index.ts'
import {
  credentialPersonalData,
  credentials,
  logEntries,
} from '../../../src/platform/db/schema/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, selfTrust, testResult, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

interface Issued {
  id: string
  jws: string
}

describe.each(ENGINES)('credential lifecycle on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  let now: number
  const logSize = async () => (await t.ctx.db.select({ i: logEntries.idx }).from(logEntries)).length
  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    now = Math.floor(t.ctx.clock.now().getTime() / 1000)
  })
  afterAll(() => t?.close())

  const issue = async (body: object = immunization()) =>
    (await (await issuer.post('/api/credentials', body)).json()) as Issued

  it('revoking puts the rid on the CRL, bumps crlVersion, and logs a revocation entry', async () => {
    const card = await issue()
    await verifyShc({ jws: card.jws }, selfTrust(t), now)
    const before = await logSize()
    const res = await issuer.post(`/api/credentials/${card.id}/revoke`, {
      reason: 'entered in error',
    })
    expect(res.status).toBe(200)
    expect(await logSize()).toBe(before + 1)
    await expect(verifyShc({ jws: card.jws }, selfTrust(t), now)).rejects.toMatchObject({
      code: 'SHC_REVOKED',
    })
    const again = await issuer.post(`/api/credentials/${card.id}/revoke`, { reason: 'twice' })
    expect(again.status).toBe(409)
    const status = (await (await issuer.get(`/api/credentials/${card.id}`)).json()) as {
      status: string
    }
    expect(status.status).toBe('revoked')
  })

  it('revoking an unknown id is 404, a bad id 400, an empty reason 400', async () => {
    expect(
      (
        await issuer.post('/api/credentials/00000000-0000-4000-8000-000000000000/revoke', {
          reason: 'x',
        })
      ).status,
    ).toBe(404)
    expect((await issuer.post('/api/credentials/not-a-uuid/revoke', { reason: 'x' })).status).toBe(
      400,
    )
    const card = await issue()
    const res = await issuer.post(`/api/credentials/${card.id}/revoke`, { reason: '' })
    expect(((await res.json()) as { field: string }).field).toBe('body.reason')
  })

  it('re-issuing corrects: a new card, the old one revoked and linked', async () => {
    const old = await issue()
    const fixed = immunization({
      patient: { givenNames: ['Anne'], familyName: 'Janssen', birthDate: '1985-03-14' },
    })
    const res = await issuer.post(`/api/credentials/${old.id}/reissue`, fixed)
    expect(res.status).toBe(201)
    const neu = (await res.json()) as Issued & { replaces: string }
    expect(neu.replaces).toBe(old.id)
    const v = await verifyShc({ jws: neu.jws }, selfTrust(t), now)
    expect(JSON.stringify(v.bundle)).toContain('Janssen')
    await expect(verifyShc({ jws: old.jws }, selfTrust(t), now)).rejects.toMatchObject({
      code: 'SHC_REVOKED',
    })
    const oldRow = (await (await issuer.get(`/api/credentials/${old.id}`)).json()) as {
      replacedBy: string
    }
    expect(oldRow.replacedBy).toBe(neu.id)
  })

  it('erasing personal data keeps the public row; renderings are 410 GONE afterwards', async () => {
    const card = await issue(testResult())
    expect((await issuer.delete(`/api/credentials/${card.id}/personal-data`)).status).toBe(204)
    const rows = await t.ctx.db.select().from(credentialPersonalData)
    expect(rows.some((r) => r.credentialId === card.id)).toBe(false)
    expect((await issuer.get(`/api/credentials/${card.id}`)).status).toBe(200)
    const svg = await issuer.get(`/api/credentials/${card.id}/qr.svg`)
    expect(svg.status).toBe(410)
    expect(((await svg.json()) as { code: string }).code).toBe('GONE')
    expect((await issuer.delete(`/api/credentials/${card.id}/personal-data`)).status).toBe(409)
  })

  it('the public row holds no personal data', async () => {
    const card = await issue()
    const [row] = (await t.ctx.db.select().from(credentials)).filter((r) => r.id === card.id)
    expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(
      /Jansen|1985/,
    )
  })

  it('bulk NDJSON reports each row, and a re-run issues nothing twice', async () => {
    const lines = [
      JSON.stringify({ ...immunization(), rowKey: 'his-1' }),
      JSON.stringify({ ...testResult(), rowKey: 'his-2' }),
      '{"type": "immunization",',
      JSON.stringify({
        ...immunization({ immunizations: [{ code: '208', date: '2031-01-01' }] }),
        rowKey: 'his-4',
      }),
      JSON.stringify(
        immunization({
          patient: { givenNames: ['Kees'], familyName: 'Bakker', birthDate: '1950' },
        }),
      ),
    ].join('\n')
    const first = await issuer.post(
      '/api/credentials/batch?source=his',
      lines,
      'application/x-ndjson',
    )
    expect(first.status).toBe(200)
    const report = (await first.json()) as {
      issued: number
      errors: number
      reports: {
        row: number
        status: string
        id?: string
        link?: string
        error?: { code: string; field?: string }
      }[]
    }
    expect(report).toMatchObject({ issued: 3, errors: 2 })
    // Each issued row carries the citizen's passport link (the one the link route gives); a
    // refused row has none.
    for (const r of report.reports) {
      if (r.status === 'error') {
        expect(r.link).toBeUndefined()
        continue
      }
      const link = (await (await issuer.get(`/api/credentials/${r.id}/passport-link`)).json()) as {
        url: string
      }
      expect(r.link).toBe(link.url)
    }
    expect(report.reports[2]).toMatchObject({
      row: 3,
      status: 'error',
      error: { code: 'MALFORMED_JSON' },
    })
    expect(report.reports[3]).toMatchObject({
      row: 4,
      status: 'error',
      error: { code: 'FHIR_DATE_FUTURE', field: 'immunizations.0.date' },
    })
    const size = await logSize()
    const rerun = (await (
      await issuer.post('/api/credentials/batch?source=his', lines, 'application/x-ndjson')
    ).json()) as { issued: number; existing: number; reports: { id?: string; link?: string }[] }
    expect(rerun).toMatchObject({ issued: 0, existing: 3 })
    expect(rerun.reports.map((r) => r.link)).toEqual(report.reports.map((r) => r.link))
    expect(await logSize()).toBe(size)
  })

  it('bulk CSV with a broken row; wrong media type is 415', async () => {
    const csv = [
      'row_key,type,given_names,family_name,birth_date,region,code,date,lot_number,performer,result',
      'c1,immunization,Jan Pieter,Smit,1990-06-01,NL-ZH,208,2021-06-01,EW1,GGD,',
      'c2,test,Els,Visser,1964,NL-ZH,94558-4,2026-11-20,,,260373001',
      'c3,immunization,,Leeg,1990-06-01,NL-ZH,208,2021-06-01,,,',
    ].join('\n')
    const report = (await (
      await issuer.post('/api/credentials/batch', csv, 'text/csv')
    ).json()) as {
      issued: number
      errors: number
      reports: { status: string; error?: { field?: string } }[]
    }
    expect(report).toMatchObject({ issued: 2, errors: 1 })
    expect(report.reports[2]?.error?.field).toBe('patient.givenNames')
    expect((await issuer.post('/api/credentials/batch', csv, 'text/plain')).status).toBe(415)
  })
})
