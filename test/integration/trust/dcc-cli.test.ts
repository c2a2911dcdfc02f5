/**
 * `vigil trust dcc import` and `vigil trust dcc revocations import` on a fresh embedded
 * deployment: a JWKS list is imported and logged; the same file again logs nothing; a GDHCN DID
 * list is checked against the signing DID document given as --signer-key, and the same list
 * tampered by one byte is refused (exit 1, DCC_LIST_SIGNATURE); an EU gateway list whose entries
 * carry CMS signatures (made by OpenSSL) is checked against --trust-anchor; bad usage exits 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/index.ts'
import { TEST_MASTER_KEY } from '../../helpers/app.ts'
import { runVigil } from '../../helpers/cli.ts'
import { cmsSign, OPENSSL_SKIP_REASON } from '../../helpers/cms.ts'
import { DAY } from '../../helpers/dcc.ts'
import { buildDidList, SIGNER_DID } from '../../helpers/did-list.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { kidOf, makeCert, sha256Hex, type TestCert } from '../../helpers/x509.ts'

const DE = readVectorJson<{ TESTCTX: { CERTIFICATE: string } }>('dcc/DE/2DCode/raw/1.json')

describe('vigil trust dcc', { timeout: 120_000 }, () => {
  let dir: string
  let env: Record<string, string | undefined>
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-dcc-cli-'))
    env = {
      VIGIL_DATA_DIR: join(dir, 'data'),
      VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
      VIGIL_LOG_LEVEL: 'silent',
      DATABASE_URL: undefined, // the embedded database, whatever the outer environment says
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('imports a JWKS list, then the same file again logs nothing', async () => {
    const der = Uint8Array.from(atob(DE.TESTCTX.CERTIFICATE), (c) => c.charCodeAt(0))
    const jwks = file(
      'de.json',
      JSON.stringify({
        keys: [{ kty: 'EC', kid: await kidOf(der), x5c: [DE.TESTCTX.CERTIFICATE] }],
      }),
    )
    const first = await runVigil(['trust', 'dcc', 'import', '--format', 'jwks', jwks], env)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(
      /trust list de version 1: 1 signers, sha256 [0-9a-f]{64}, ledger index \d+/,
    )
    const again = await runVigil(['trust', 'dcc', 'import', '--format', 'jwks', jwks], env)
    expect(again.status).toBe(0)
    expect(again.stdout).toContain('trust list de unchanged (version 1')
  })

  it('checks a DID list against the signing DID document; a tampered one exits 1', async () => {
    const now = Math.floor(Date.now() / 1000)
    const span = { notBefore: now - 100 * DAY, notAfter: now + 300 * DAY }
    const sca = await makeCert({ country: 'XA', cn: 'XA SCA', ...span })
    const dsc = await makeCert({ country: 'XA', cn: 'XA DSC', ...span, issuer: sca })
    const signing = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const signerDoc = file(
      'who-signing.json',
      JSON.stringify({
        id: SIGNER_DID,
        verificationMethod: [
          {
            id: `${SIGNER_DID}#key-1`,
            type: 'JsonWebKey2020',
            publicKeyJwk: await crypto.subtle.exportKey('jwk', signing.publicKey),
          },
        ],
      }),
    )
    const doc = await buildDidList(signing.privateKey, [{ dsc, sca }])
    const good = file('gdhcn.json', JSON.stringify(doc))
    const ok = await runVigil(
      [
        'trust',
        'dcc',
        'import',
        '--format',
        'did',
        '--name',
        'who-gdhcn',
        '--signer-key',
        signerDoc,
        good,
      ],
      env,
    )
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toContain('trust list who-gdhcn version 1: 1 signers')

    const tampered = file(
      'gdhcn-bad.json',
      JSON.stringify({ ...doc, controller: 'did:web:evil.test' }),
    )
    const bad = await runVigil(
      [
        'trust',
        'dcc',
        'import',
        '--format',
        'did',
        '--name',
        'who-gdhcn',
        '--signer-key',
        signerDoc,
        tampered,
      ],
      env,
    )
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('DCC_LIST_SIGNATURE')
  })

  it.skipIf(OPENSSL_SKIP_REASON !== undefined)(
    'checks an EU gateway list against --trust-anchor: signed entries load, another anchor exits 1, none warns',
    async () => {
      const now = Math.floor(Date.now() / 1000)
      const span = { notBefore: now - 100 * DAY, notAfter: now + 300 * DAY }
      const ta = await makeCert({ country: 'EU', cn: 'DCCG Trust Anchor', ...span })
      const other = await makeCert({ country: 'EU', cn: 'Not the anchor', ...span })
      const csca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
      const upload = await makeCert({ country: 'XA', cn: 'XA Upload', ...span })
      const dsc = await makeCert({ country: 'XA', cn: 'XA DSC', ...span, issuer: csca })
      const entry = async (cert: TestCert, type: string, by: TestCert) => ({
        kid: await kidOf(cert.der),
        timestamp: '2026-11-01T00:00:00Z',
        country: 'XA',
        certificateType: type,
        thumbprint: await sha256Hex(cert.der),
        signature: toBase64(await cmsSign(cert.der, by)),
        rawData: cert.b64,
      })
      const list = file(
        'gateway.json',
        JSON.stringify([
          await entry(csca, 'CSCA', ta),
          await entry(upload, 'UPLOAD', ta),
          await entry(dsc, 'DSC', upload),
        ]),
      )
      const pem = (c: TestCert) =>
        `-----BEGIN CERTIFICATE-----\n${c.b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`
      const args = ['trust', 'dcc', 'import', '--format', 'eu-dto', '--name', 'eu']
      const ok = await runVigil([...args, '--trust-anchor', file('ta.pem', pem(ta)), list], env)
      expect(ok.stderr).toBe('')
      expect(ok.status).toBe(0)
      expect(ok.stdout).toContain('trust list eu version 1: 1 signers')
      const wrong = await runVigil(
        [...args, '--trust-anchor', file('other.pem', pem(other)), list],
        env,
      )
      expect(wrong.status).toBe(1)
      expect(wrong.stderr).toContain('DCC_LIST_SIGNATURE')
      const unchecked = await runVigil([...args, '--name', 'eu-unchecked', list], env)
      expect(unchecked.status).toBe(0)
      expect(`${unchecked.stdout}${unchecked.stderr}`).toMatch(/DCC_LIST_SIGNATURE.*not checked/)
    },
  )

  it('imports a revocation list; bad usage exits 2', async () => {
    const list = file(
      'revoked.json',
      JSON.stringify({
        format: 'vigil-dcc-revocations/v1',
        batches: [
          {
            country: 'DE',
            kid: 'AAAAAAAAAAA=',
            hashType: 'SIGNATURE',
            expires: '2099-01-01T00:00:00Z',
            entries: [{ hash: 'AAAAAAAAAAAAAAAAAAAAAA==' }],
          },
        ],
      }),
    )
    const r = await runVigil(['trust', 'dcc', 'revocations', 'import', list], env)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('revocation list revoked version 1: 1 revoked hashes')
    expect((await runVigil(['trust', 'dcc', 'import', '--format', 'csv', list], env)).status).toBe(
      2,
    )
    expect((await runVigil(['trust', 'dcc', 'import', '--format', 'did', list], env)).status).toBe(
      2,
    )
  })
})
