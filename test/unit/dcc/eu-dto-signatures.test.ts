/**
 * The EU gateway list's per-entry signatures (core/dcc/lists/eu-dto.ts, core/dcc/cms.ts), in the
 * dgc-gateway model: CSCA and UPLOAD entries carry a detached CMS by the gateway trust anchor
 * over their DER; a DSC carries its country's upload CMS, signed by an UPLOAD certificate of
 * that country. The CMS messages are made by OpenSSL (test/helpers/cms.ts) from certificates and
 * keys generated here. Each negative changes one thing and expects its code.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { toBase64, utf8 } from '../../../src/core/codec/index.ts'
import {
  DccListError,
  loadDccList,
  loadEuDtoList,
  readTrustAnchors,
} from '../../../src/core/dcc/index.ts'
import { type CmsOptions, cmsSign, OPENSSL_SKIP_REASON } from '../../helpers/cms.ts'
import { DAY, NOW } from '../../helpers/dcc.ts'
import { type KeyAlg, kidOf, makeCert, sha256Hex, type TestCert } from '../../helpers/x509.ts'

const opts = { source: 'test', asOf: NOW }
const span = { notBefore: NOW - 400 * DAY, notAfter: NOW + 3000 * DAY }
let ta: TestCert
let otherTa: TestCert
let csca: TestCert
let upload: TestCert
let dsc: TestCert
let uploadB: TestCert

type Kind = 'CSCA' | 'UPLOAD' | 'DSC'

async function entry(cert: TestCert, type: Kind, signature: Uint8Array | string, country = 'XA') {
  return {
    kid: await kidOf(cert.der),
    timestamp: '2026-11-01T00:00:00Z',
    country,
    certificateType: type,
    thumbprint: await sha256Hex(cert.der),
    signature: typeof signature === 'string' ? signature : toBase64(signature),
    rawData: cert.b64,
  }
}

/** The entry as the gateway publishes it: signed by `by` over its own DER. */
async function signed(cert: TestCert, type: Kind, by: TestCert, country = 'XA', o?: CmsOptions) {
  return entry(cert, type, await cmsSign(cert.der, by, o), country)
}

const load = (entries: unknown[], anchors: TestCert[] = [ta]) =>
  loadEuDtoList(JSON.stringify(entries), { ...opts, trustAnchors: anchors.map((a) => a.der) })

beforeAll(async () => {
  ta = await makeCert({ country: 'EU', cn: 'DCCG Trust Anchor', ...span })
  otherTa = await makeCert({ country: 'EU', cn: 'Another Anchor', ...span })
  csca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
  upload = await makeCert({ country: 'XA', cn: 'XA Upload', ...span })
  uploadB = await makeCert({ country: 'XB', cn: 'XB Upload', ...span })
  dsc = await makeCert({
    country: 'XA',
    cn: 'XA DSC 1',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 300 * DAY,
    issuer: csca,
  })
})

if (OPENSSL_SKIP_REASON) it.skip(OPENSSL_SKIP_REASON, () => {})

describe.skipIf(OPENSSL_SKIP_REASON !== undefined)(
  'EU gateway entry signatures with a configured trust anchor',
  () => {
    it('loads a list whose CSCA and UPLOAD the anchor signed and whose DSC the UPLOAD signed', async () => {
      const list = await load([
        await signed(csca, 'CSCA', ta),
        await signed(upload, 'UPLOAD', ta),
        await signed(dsc, 'DSC', upload),
      ])
      expect(list.problems).toEqual([])
      expect(list.warnings).toBeUndefined()
      expect(list.signers.map((s) => s.kid)).toEqual([await kidOf(dsc.der)])
    })

    it('reads the BER the gateway writes (indefinite lengths), detached or with the content', async () => {
      const list = await load([
        await signed(csca, 'CSCA', ta, 'XA', { stream: true }),
        await signed(upload, 'UPLOAD', ta, 'XA', { stream: true, embed: true }),
        await signed(dsc, 'DSC', upload, 'XA', { embed: true }),
      ])
      expect(list.problems).toEqual([])
      expect(list.signers).toHaveLength(1)
    })

    it.each([
      ['ECDSA P-384', { keyAlg: 'P-384' as KeyAlg }, {}],
      ['RSASSA-PKCS1-v1_5', { keyAlg: 'RSA' as KeyAlg }, {}],
      ['RSASSA-PSS', { keyAlg: 'RSA' as KeyAlg }, { pss: true }],
    ])('verifies a trust anchor signing with %s', async (_, alg, cms) => {
      const anchor = await makeCert({ country: 'EU', cn: 'DCCG TA', ...span, ...alg })
      const list = await load(
        [
          await signed(csca, 'CSCA', anchor, 'XA', cms),
          await signed(upload, 'UPLOAD', anchor, 'XA', cms),
          await signed(dsc, 'DSC', upload),
        ],
        [anchor],
      )
      expect(list.problems).toEqual([])
      expect(list.signers).toHaveLength(1)
    })

    it('drops a CSCA the anchor did not sign (DCC_LIST_SIGNATURE), and its DSCs with it', async () => {
      const list = await load([
        await signed(csca, 'CSCA', otherTa),
        await signed(upload, 'UPLOAD', ta),
        await signed(dsc, 'DSC', upload),
      ])
      expect(list.signers).toEqual([])
      expect(list.problems).toEqual([
        expect.objectContaining({ code: 'DCC_LIST_SIGNATURE', kid: await kidOf(csca.der) }),
        expect.objectContaining({ code: 'DCC_LIST_CHAIN', kid: await kidOf(dsc.der) }),
      ])
      expect(list.problems[0]?.message).toMatch(/entry 0 \(CSCA of XA\)/)
    })

    it('drops a DSC uploaded under another country’s UPLOAD certificate (DCC_LIST_SIGNATURE)', async () => {
      const list = await load([
        await signed(csca, 'CSCA', ta),
        await signed(upload, 'UPLOAD', ta),
        await signed(uploadB, 'UPLOAD', ta, 'XB'),
        await signed(dsc, 'DSC', uploadB),
      ])
      expect(list.signers).toEqual([])
      expect(list.problems).toEqual([
        expect.objectContaining({ code: 'DCC_LIST_SIGNATURE', kid: await kidOf(dsc.der) }),
      ])
    })

    it('drops a DSC whose UPLOAD certificate the anchor did not sign', async () => {
      const list = await load([
        await signed(csca, 'CSCA', ta),
        await signed(upload, 'UPLOAD', otherTa),
        await signed(dsc, 'DSC', upload),
      ])
      expect(list.signers).toEqual([])
      expect(list.problems.map((p) => [p.code, p.kid])).toEqual([
        ['DCC_LIST_SIGNATURE', await kidOf(upload.der)],
        ['DCC_LIST_SIGNATURE', await kidOf(dsc.der)],
      ])
    })

    it('drops an UPLOAD certificate filed under another country (DCC_LIST_COUNTRY)', async () => {
      const list = await load([
        await signed(csca, 'CSCA', ta),
        await signed(uploadB, 'UPLOAD', ta, 'XA'),
        await signed(dsc, 'DSC', uploadB),
      ])
      expect(list.problems.map((p) => p.code)).toEqual(['DCC_LIST_COUNTRY', 'DCC_LIST_SIGNATURE'])
    })

    it.each([
      ['CSCA', 0],
      ['DSC', 2],
    ])(
      'refuses a %s entry whose signature has one flipped byte (DCC_LIST_SIGNATURE)',
      async (_, at) => {
        const entries = [
          await signed(csca, 'CSCA', ta),
          await signed(upload, 'UPLOAD', ta),
          await signed(dsc, 'DSC', upload),
        ]
        const target = entries[at] as { signature: string }
        const cms = Uint8Array.from(atob(target.signature), (c) => c.charCodeAt(0))
        // The last bytes of an OpenSSL SignedData are the signature value (no unsigned attributes).
        cms[cms.length - 2] = (cms[cms.length - 2] as number) ^ 0x01
        target.signature = toBase64(cms)
        const list = await load(entries)
        expect(list.signers).toEqual([])
        expect(list.problems[0]).toMatchObject({ code: 'DCC_LIST_SIGNATURE' })
        expect(list.problems[0]?.message).toMatch(/does not verify/)
      },
    )

    it('refuses a signature over other content than the entry (DCC_LIST_SIGNATURE)', async () => {
      const otherCsca = await makeCert({ country: 'XA', cn: 'XA CSCA', ...span })
      // The anchor's genuine signature of another certificate, moved onto this entry.
      const moved = await entry(csca, 'CSCA', await cmsSign(otherCsca.der, ta))
      const list = await load([
        moved,
        await signed(upload, 'UPLOAD', ta),
        await signed(dsc, 'DSC', upload),
      ])
      expect(list.problems[0]).toMatchObject({
        code: 'DCC_LIST_SIGNATURE',
        kid: await kidOf(csca.der),
      })
      expect(list.problems[0]?.message).toMatch(/message-digest/)
      // Embedded content that is not the entry's DER.
      const carried = await entry(csca, 'CSCA', await cmsSign(otherCsca.der, ta, { embed: true }))
      const again = await load([carried])
      expect(again.problems[0]).toMatchObject({ code: 'DCC_LIST_SIGNATURE' })
      expect(again.problems[0]?.message).toMatch(/other content/)
    })

    it('refuses a missing, non-base64 or non-CMS signature (DCC_LIST_SIGNATURE)', async () => {
      const list = await load([
        await entry(csca, 'CSCA', ''),
        await entry(upload, 'UPLOAD', 'bm90IGEgQ01T'),
        { ...(await entry(dsc, 'DSC', '')), signature: null },
      ])
      expect(list.problems.map((p) => p.code)).toEqual([
        'DCC_LIST_SIGNATURE',
        'DCC_LIST_SIGNATURE',
        'DCC_LIST_SIGNATURE',
      ])
    })

    it('refuses an anchor that is not a certificate (DCC_LIST_FORMAT)', async () => {
      await expect(
        loadEuDtoList('[]', { ...opts, trustAnchors: [Uint8Array.of(1, 2, 3)] }),
      ).rejects.toBeInstanceOf(DccListError)
    })

    it('passes the anchors through loadDccList', async () => {
      const list = await loadDccList(
        'eu-dto',
        JSON.stringify([await signed(csca, 'CSCA', otherTa), await signed(dsc, 'DSC', upload)]),
        { ...opts, trustAnchors: [ta.der] },
      )
      expect(list.problems.map((p) => p.code)).toContain('DCC_LIST_SIGNATURE')
    })
  },
)

describe('EU gateway list without a trust anchor', () => {
  it('loads as before, with a warning that the signatures were not checked', async () => {
    const list = await loadEuDtoList(
      JSON.stringify([
        await entry(csca, 'CSCA', 'unchecked'),
        await entry(upload, 'UPLOAD', 'unchecked'),
        await entry(dsc, 'DSC', 'unchecked'),
      ]),
      opts,
    )
    expect(list.problems).toEqual([])
    expect(list.signers).toHaveLength(1)
    expect(list.warnings).toEqual([
      expect.objectContaining({
        code: 'DCC_LIST_SIGNATURE',
        message: expect.stringMatching(/not checked/),
      }),
    ])
  })
})

describe('trust anchor files', () => {
  const pem = (der: Uint8Array) =>
    `-----BEGIN CERTIFICATE-----\n${(toBase64(der).match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`

  it('reads one DER certificate, or every PEM certificate in a file', () => {
    expect(readTrustAnchors(ta.der)).toEqual([ta.der])
    const both = readTrustAnchors(utf8(`# anchors\n${pem(ta.der)}${pem(otherTa.der)}`))
    expect(both).toEqual([ta.der, otherTa.der])
  })

  it('refuses a file with no certificate, or a block that is not X.509 (DCC_LIST_FORMAT)', () => {
    expect(() => readTrustAnchors(utf8('nothing here'))).toThrow(DccListError)
    expect(() => readTrustAnchors(utf8(pem(Uint8Array.of(0x30, 0x03, 1, 2, 3))))).toThrow(
      expect.objectContaining({ code: 'DCC_LIST_FORMAT' }),
    )
  })
})
