/**
 * Finding by id and by name and birth date through the keyed search hash: found after issuing
 * whatever the spelling's case, width or spacing; nothing after erasure; and the tables hold no
 * name, birth date or unkeyed hash of them (read back directly).
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CredentialListItem } from '../../../src/core/api-types/index.ts'
import { sha256, toHex } from '../../../src/core/codec/index.ts'
import { credentialPersonalData, credentials } from '../../../src/platform/db/schema/index.ts'
import { normaliseName, searchKey } from '../../../src/services/credentials/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, immunization, testResult, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const person = { givenNames: ['Zoë', 'Ann'], familyName: 'Van der Berg', birthDate: '1990-07-04' }

it('normalises with NFKC, case folding and collapsed white space', () => {
  expect(normaliseName('  ZOE\u0308 \t ANN ')).toBe('zoë ann')
  expect(normaliseName('Ｖａｎ  der\u00a0Berg')).toBe('van der berg')
})

describe.each(ENGINES)('POST /api/credentials/search on %s', (engine) => {
  let t: TestApp
  let issuer: ReturnType<typeof api>
  let mine: string[]
  beforeAll(async () => {
    t = await createTestApp(engine)
    issuer = api(t, await tokenFor(t, ['issuer']))
    mine = []
    for (const body of [
      immunization({ patient: person }),
      testResult({ patient: person }),
      immunization(),
    ]) {
      const res = await issuer.post('/api/credentials', body)
      expect(res.status).toBe(201)
      mine.push(((await res.json()) as { id: string }).id)
    }
    mine.pop()
  })
  afterAll(() => t?.close())

  const search = async (body: object) => {
    const res = await issuer.post('/api/credentials/search', body)
    expect(res.status).toBe(200)
    return ((await res.json()) as { items: CredentialListItem[] }).items
  }

  it('finds a person’s credentials by name and birth date, spelled loosely', async () => {
    const found = await search({
      givenNames: ['ZOE\u0308', ' ann '],
      familyName: 'van  der BERG',
      birthDate: '1990-07-04',
    })
    expect(found.map((i) => i.id).sort()).toEqual([...mine].sort())
    expect(found[0]?.subject?.familyName).toBe('Van der Berg')
    expect(await search({ ...person, birthDate: '1990-07-05' })).toEqual([])
    expect(await search({ ...person, familyName: 'Berg' })).toEqual([])
  })

  it('finds one by id, and refuses a malformed query with its field', async () => {
    const [first] = mine as [string]
    expect((await search({ id: first })).map((i) => i.id)).toEqual([first])
    const bad = await issuer.post('/api/credentials/search', { ...person, birthDate: '4 July' })
    expect(bad.status).toBe(400)
  })

  it('stores no name, birth date or search key in clear', async () => {
    const dump = JSON.stringify(
      await t.ctx.db.execute(
        sql`select c.*, p.* from credentials c left join credential_personal_data p on p.credential_id = c.id`,
      ),
      // Bytes as hex whichever driver read them (a Node Buffer turns itself into {type, data}).
      (_k, v) =>
        v instanceof Uint8Array
          ? toHex(v)
          : v?.type === 'Buffer' && Array.isArray(v.data)
            ? toHex(Uint8Array.from(v.data))
            : typeof v === 'bigint'
              ? String(v)
              : v,
    ).toLowerCase()
    expect(dump.length).toBeGreaterThan(1000)
    for (const clear of [
      'zoë',
      'zoe',
      'van der berg',
      'berg',
      '1990-07-04',
      'jansen',
      '1985-03-14',
    ])
      expect(dump).not.toContain(clear)
    // The stored key is keyed: not the SHA-256 of what it is computed over.
    const message = ['zoë ann', 'van der berg', '1990-07-04'].join('\u0000')
    expect(dump).not.toContain(toHex(await sha256(new TextEncoder().encode(message))))
    const keyHex = toHex(await searchKey(t.ctx, person))
    expect(dump).toContain(keyHex)
  })

  it('no table of the database holds the name, the birth date or the search key elsewhere', async () => {
    const rowsOf = (result: unknown) =>
      (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
        string,
        unknown
      >[]
    const tables = rowsOf(
      await t.ctx.db.execute(
        sql`select table_schema as s, table_name as n from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      ),
    ) as { s: string; n: string }[]
    const names = tables.map((x) => x.n)
    expect(names).toEqual(
      expect.arrayContaining(['credentials', 'credential_personal_data', 'audit_events']),
    )
    const keyHex = toHex(await searchKey(t.ctx, person))
    const holding: string[] = []
    for (const { s, n } of tables) {
      const dump = JSON.stringify(
        rowsOf(
          await t.ctx.db.execute(sql`select * from ${sql.identifier(s)}.${sql.identifier(n)}`),
        ),
        (_k, v) =>
          v instanceof Uint8Array
            ? toHex(v)
            : v?.type === 'Buffer' && Array.isArray(v.data)
              ? toHex(Uint8Array.from(v.data))
              : typeof v === 'bigint'
                ? String(v)
                : v,
      ).toLowerCase()
      for (const clear of ['zoë', 'van der berg', '1990-07-04', '1985-03-14'])
        expect(dump, `${s}.${n}`).not.toContain(clear)
      if (dump.includes(keyHex)) holding.push(n)
    }
    // The keyed hash sits on the sealed record's row only (so erasing that row erases it).
    expect(holding).toEqual(['credential_personal_data'])
  })

  it('finds nothing after erasure: the search key goes with the sealed record', async () => {
    for (const id of mine)
      expect((await issuer.delete(`/api/credentials/${id}/personal-data`)).status).toBe(204)
    expect(await search(person)).toEqual([])
    const keys = await t.ctx.db
      .select({ k: credentialPersonalData.searchKey })
      .from(credentialPersonalData)
    const keyHex = toHex(await searchKey(t.ctx, person))
    expect(keys.some((r) => r.k !== null && toHex(r.k) === keyHex)).toBe(false)
    // By id the erased rows are still there, with no subject.
    expect(await search({ id: mine[0] as string })).toMatchObject([{ erased: true, subject: null }])
  })

  it('keys a bulk row by a keyed hash, recognises a re-run, and erases the key with the record', async () => {
    const line = JSON.stringify({ ...immunization({ patient: person }), rowKey: 'his-77' })
    const upload = async () => {
      const res = await issuer.post(
        '/api/credentials/batch?source=his',
        line,
        'application/x-ndjson',
      )
      expect(res.status).toBe(200)
      return (await res.json()) as { issued: number; existing: number; reports: { id: string }[] }
    }
    const first = await upload()
    expect(first).toMatchObject({ issued: 1, existing: 0 })
    const id = first.reports[0]?.id as string
    const stored = async () =>
      (
        await t.ctx.db.select({ id: credentials.id, k: credentials.importKey }).from(credentials)
      ).find((r) => r.id === id)?.k
    const key = await stored()
    const message = new TextEncoder().encode('his\nhis-77')
    // Not the unkeyed hash anyone holding the table could recompute from a guessed row…
    expect(toHex(key as Uint8Array)).not.toBe(toHex(await sha256(message)))
    // …but the master key's keyed hash, so only the deployment recognises its own rows.
    expect(toHex(key as Uint8Array)).toBe(
      toHex(await t.ctx.keys.keyedHash('credential-import-key-v1', message)),
    )
    expect(await upload()).toMatchObject({ issued: 0, existing: 1, reports: [{ id }] })
    expect((await issuer.delete(`/api/credentials/${id}/personal-data`)).status).toBe(204)
    expect(await stored()).toBeNull()
    // The key went with the record: the same row uploaded again is a new card.
    const again = await upload()
    expect(again).toMatchObject({ issued: 1, existing: 0 })
    expect(again.reports[0]?.id).not.toBe(id)
  })
})
