/**
 * Entry rule sets and the issuer directory through the real app (PGlite, and Postgres when
 * TEST_DATABASE_URL is set): publishing appends a `verifier-release` ledger entry whose hash is
 * that of the published bytes; the signed trust material carries the release and the names;
 * a tampered rule set is refused by the verifier's checks, with its own code.
 */
import { readFileSync } from 'node:fs'
import { sha256 } from '@noble/hashes/sha2.js'
import { CompactSign } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromUtf8, toHex, utf8 } from '../../../src/core/codec/index.ts'
import { decodeEntry, encodeEntry } from '../../../src/core/leaf/index.ts'
import { hashLeaf } from '../../../src/core/merkle/index.ts'
import { evaluate, openRuleSetText, RulesError } from '../../../src/core/rules/index.ts'
import { openTrustMaterial } from '../../../src/core/verify/index.ts'
import type { Role } from '../../../src/platform/context/context.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { api, tokenFor } from '../../helpers/credentials.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { readVectorJson } from '../../helpers/vectors.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const RULES = readFileSync(new URL('../../../docs/rules-example.json', import.meta.url), 'utf8')

describe.each(ENGINES)('entry rules and the issuer directory on %s', (engine) => {
  let t: TestApp
  let vkey: string
  const as = async (roles: Role[]) => {
    const token = await tokenFor(t, roles)
    const send = (method: string, path: string, body: unknown) =>
      t.app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    return { ...api(t, token), send }
  }
  const material = async () =>
    openTrustMaterial(await (await t.app.request('/trust/material')).text(), vkey)

  beforeAll(async () => {
    t = await createTestApp(engine)
    vkey = (await (await t.app.request('/log/key')).text()).trim()
  })
  afterAll(() => t?.close())

  it('publishing appends a ledger entry committing to the exact published bytes', async () => {
    const admin = await as(['admin'])
    const res = await admin.send('POST', '/api/trust/rules', { text: RULES })
    expect(res.status).toBe(201)
    const release = (await res.json()) as { release: number; sha256: string; leafIndex: number }
    expect(release).toMatchObject({
      release: 1,
      ruleSets: ['vaccinated', 'tested-48h', 'vaccinated-or-tested'],
    })
    expect(typeof release.leafIndex).toBe('number')
    // The log's own entry at that index, read over the public API.
    const entries = (await (
      await t.app.request(`/log/entries?start=${release.leafIndex}&limit=1`)
    ).json()) as { entries: { kind: string; artefactHash: string; keyId: string }[] }
    const [entry] = entries.entries
    expect(entry).toMatchObject({ kind: 'verifier-release', keyId: 'rules:1' })
    const published = toHex(sha256(utf8(RULES)))
    expect(release.sha256).toBe(published)
    expect(JSON.stringify(entry)).toContain(published)

    // A second release is the next one, with its own entry.
    const next = RULES.replace('"minDaysSinceLastDose": 14', '"minDaysSinceLastDose": 21')
    const second = (await (
      await admin.send('POST', '/api/trust/rules', { text: next })
    ).json()) as {
      release: number
      leafIndex: number
    }
    expect(second.release).toBe(2)
    expect(second.leafIndex).toBeGreaterThan(release.leafIndex)
  })

  it('the signed trust material carries the latest release; a venue can rebuild its leaf', async () => {
    const opened = await material()
    const rules = opened.rules
    if (rules === undefined) throw new Error('no rules in the trust material')
    expect(rules.release).toBe(2)
    const doc = openRuleSetText(rules.text, rules.sha256)
    expect(doc.ruleSets[0]?.anyOf[0]).toMatchObject({ minDaysSinceLastDose: 21 })
    // The leaf a venue rebuilds from the material alone is the one at the logged index.
    const leaf = encodeEntry({
      kind: 'verifier-release',
      artefactHash: sha256(utf8(rules.text)),
      keyId: `rules:${rules.release}`,
      time: rules.entryTime,
    })
    const proof = await t.app.request(`/log/entries?start=${rules.leafIndex}&limit=1`)
    const logged = (await proof.json()) as { entries: { leafHash: string }[] }
    expect(logged.entries[0]?.leafHash).toBe(toHex(hashLeaf(leaf)))
    expect(decodeEntry(leaf).keyId).toBe('rules:2')
  })

  it('refuses malformed rule sets with the field at fault, and non-admins', async () => {
    const admin = await as(['admin'])
    const bad = RULES.replace('"naat", "antigen"', '"pcr"')
    const res = await admin.send('POST', '/api/trust/rules', { text: bad })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      code: 'VALIDATION',
      field: 'ruleSets.1.anyOf.0.methods.0',
    })
    const issuer = await as(['issuer'])
    expect((await issuer.send('POST', '/api/trust/rules', { text: RULES })).status).toBe(403)
  })

  it('a tampered rule set is refused: re-signed by another key, or text not matching its hash', async () => {
    const jws = await (await t.app.request('/trust/material')).text()
    const payload = JSON.parse(fromUtf8(base64urlDecode(jws.split('.')[1] as string)))
    const loosened = payload.rules.text.replace(
      '"maxSampleAgeHours": 48',
      '"maxSampleAgeHours": 480',
    )
    // 1. Changed in transit: the log key's signature no longer verifies.
    const parts = jws.split('.')
    const forged = [
      parts[0],
      base64url(JSON.stringify({ ...payload, rules: { ...payload.rules, text: loosened } })),
      parts[2],
    ].join('.')
    await expect(openTrustMaterial(forged, vkey)).rejects.toMatchObject({
      code: 'VERIFY_TRUST_SIGNATURE',
    })
    // 2. Signed, but the text is not what the ledger entry commits to.
    const key = await t.ctx.keys.active('log')
    const signed = await new CompactSign(
      utf8(JSON.stringify({ ...payload, rules: { ...payload.rules, text: loosened } })),
    )
      .setProtectedHeader(JSON.parse(fromUtf8(base64urlDecode(parts[0] as string))))
      .sign(key.privateKey)
    const opened = await openTrustMaterial(signed, vkey)
    const rules = opened.rules
    if (rules === undefined) throw new Error('no rules')
    let error: unknown
    try {
      openRuleSetText(rules.text, rules.sha256)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RulesError)
    expect((error as RulesError).code).toBe('RULES_HASH_MISMATCH')
  })

  it('imports the issuer directory from the VCI format; its names reach the trust material', async () => {
    const admin = await as(['admin'])
    const vci = readVectorJson('vci/vci-issuers.json')
    const res = await admin.send('PUT', '/api/trust/directory', vci)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ imported: 3 })
    const opened = await material()
    expect(opened.directory).toEqual([
      {
        iss: 'https://health.example.org/shc',
        name: 'Example Region Health Authority',
        website: 'https://health.example.org',
      },
      {
        iss: 'https://old.health.example.org/shc',
        name: 'Example Region Health Authority (former URL)',
        canonicalIss: 'https://health.example.org/shc',
      },
      { iss: 'https://pharmacy.example.net/issuer', name: 'Example Pharmacy Network' },
    ])
    const wrong = await admin.send('PUT', '/api/trust/directory', {
      participating_issuers: [{ iss: 'http://insecure.example', name: 'X' }],
    })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({ field: 'participating_issuers.0.iss' })
    // Refused whole: the earlier directory is still served.
    expect((await material()).directory).toHaveLength(3)
  })

  it('the evaluator reads the rules from the material exactly as published', async () => {
    const rules = (await material()).rules
    if (rules === undefined) throw new Error('no rules')
    const set = openRuleSetText(rules.text, rules.sha256).ruleSets.find(
      (s) => s.name === 'vaccinated',
    )
    if (set === undefined) throw new Error('no vaccinated set')
    const summary = {
      name: 'A B',
      birthDate: '1980-01-01',
      entries: [
        {
          kind: 'immunization' as const,
          code: '212',
          display: 'x',
          date: '2024-05-13',
          family: 'covid-19' as const,
          doseNumber: 1,
          seriesDoses: 1,
        },
      ],
    }
    // Release 2 needs 21 days: 19 days after the dose is not enough.
    expect(evaluate(set, summary, Date.UTC(2024, 5, 1) / 1000).reasons[0]).toMatchObject({
      code: 'RULE_DOSE_TOO_RECENT',
      params: { days: 19, needed: 21 },
    })
  })
})

function base64urlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0))
}

function base64url(text: string): string {
  return btoa(String.fromCharCode(...utf8(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}
