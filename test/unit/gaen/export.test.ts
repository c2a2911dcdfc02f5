/**
 * The official example exports decode and verify (the negative key fails); Vigil's own exports
 * parse with the published export format (test/helpers/gaen-export-proto.ts) through an
 * independent decoder (protobufjs) and verify with `openssl dgst -sha256 -verify`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { sha256 } from '../../../src/core/codec/bytes.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import {
  decodeExport,
  decodeSignatureList,
  derToP1363,
  ECDSA_SHA256_OID,
  encodeExport,
  encodeSignatureList,
  importSpkiPem,
  p1363ToDer,
  signExportBin,
  spkiToPem,
  type TekExport,
  unzipExport,
  verifyExportBin,
  zipExport,
} from '../../../src/core/gaen/index.ts'
import { gaenExportTypes } from '../../helpers/gaen-export-proto.ts'
import { readVector, readVectorJson, readVectorText } from '../../helpers/vectors.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-gaen-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type DecodedKey = Record<string, unknown> & { rollingPeriod?: number; reportType?: number }
interface Decoded {
  startTimestamp: number
  region: string
  keys: DecodedKey[]
  revisedKeys: DecodedKey[]
}

interface Expected {
  export: { startTimestamp: string; endTimestamp: string; keys: Record<string, unknown>[] }
}

describe('key-server example export', () => {
  const zip = readVector('gaen/keyserver-example/testExport-2-records-1-of-1.zip')
  const expected = readVectorJson<Expected>('gaen/keyserver-example/expected_decoded.json')

  it('decodes to the expected values and re-encodes byte for byte', async () => {
    expect(toHex(await sha256(zip))).toBe(
      '084a5748ea752813e075c2420dc2521d9145b2d2b5721310cc8e364bb73698d2',
    )
    const { bin, sig } = unzipExport(zip)
    expect(bin.length).toBe(135)
    const e = decodeExport(bin)
    expect(e.startTimestamp).toBe(1590159600)
    expect(e.endTimestamp).toBe(1590246000)
    expect(e.region).toBe('US')
    expect([e.batchNum, e.batchSize]).toEqual([1, 1])
    expect(e.signatureInfos).toEqual([
      {
        verificationKeyVersion: '1',
        verificationKeyId: 'some_id',
        signatureAlgorithm: ECDSA_SHA256_OID,
      },
    ])
    expect(e.keys.map((k) => ({ ...k, keyData: toBase64(k.keyData) }))).toEqual(
      expected.export.keys,
    )
    expect(toHex(encodeExport(e))).toBe(toHex(bin))
    const sigs = decodeSignatureList(sig)
    expect(sigs).toHaveLength(1)
    expect(sigs[0]?.signature.length).toBe(72)
    expect(toHex(encodeSignatureList(sigs))).toBe(toHex(sig))
  })

  it('the signature verifies with public.pem; one flipped byte fails', async () => {
    const { bin, sig } = unzipExport(zip)
    const key = await importSpkiPem(readVectorText('gaen/keyserver-example/public.pem'))
    const der = decodeSignatureList(sig)[0]?.signature as Uint8Array
    expect(await verifyExportBin(key, bin, der)).toBe(true)
    const bad = bin.slice()
    bad[40] = (bad[40] as number) ^ 1
    expect(await verifyExportBin(key, bad, der)).toBe(false)
  })
})

describe('internals sample export', () => {
  const zip = readVector('gaen/internals-sample/sample_diagnosis_key_file.zip')
  it('decodes 140 keys with the expected metadata', () => {
    const e = decodeExport(unzipExport(zip).bin)
    expect([e.startTimestamp, e.endTimestamp, e.region]).toEqual([1593633600, 1593633900, 'US'])
    expect(e.keys).toHaveLength(140)
    expect(e.keys.every((k) => k.rollingPeriod === undefined && k.reportType === undefined)).toBe(
      true,
    )
    expect(toBase64(e.keys[0]?.keyData as Uint8Array)).toBe('AAPWCxiPGYVuiz3SmgxGOw==')
    const tr = new Map<number, number>()
    for (const k of e.keys)
      tr.set(k.transmissionRiskLevel ?? 0, (tr.get(k.transmissionRiskLevel ?? 0) ?? 0) + 1)
    expect(Object.fromEntries(tr)).toEqual({ 3: 28, 4: 56, 5: 14, 6: 14, 7: 14, 8: 14 })
  })

  it('verifies with 310-v1 and not with ExampleServer-v1', async () => {
    const { bin, sig } = unzipExport(zip)
    const der = decodeSignatureList(sig)[0]?.signature as Uint8Array
    const good = await importSpkiPem(readVectorText('gaen/internals-sample/public_310-v1.pem'))
    const other = await importSpkiPem(
      readVectorText('gaen/internals-sample/public_ExampleServer-v1.pem'),
    )
    expect(await verifyExportBin(good, bin, der)).toBe(true)
    expect(await verifyExportBin(other, bin, der)).toBe(false)
  })

  it('the unsigned samples (old SignatureInfo with reserved field 2) decode', () => {
    const raw = decodeExport(readVector('gaen/internals-sample/unsigned_raw_export.bin'))
    expect([raw.startTimestamp, raw.endTimestamp, raw.region, raw.keys.length]).toEqual([
      1588885200,
      1588890000,
      'US',
      110,
    ])
    const cpp = decodeExport(readVector('gaen/internals-sample/unsigned_cpp_testdata_export.bin'))
    expect([cpp.startTimestamp, cpp.endTimestamp, cpp.keys.length]).toEqual([
      1588425586, 1588857586, 200,
    ])
  })

  it('garbage is GAEN_EXPORT, never a crash', () => {
    expect(() => decodeExport(new Uint8Array(10))).toThrow(
      expect.objectContaining({ code: 'GAEN_EXPORT' }),
    )
    const junk = new Uint8Array(40).fill(0xff)
    junk.set(new TextEncoder().encode('EK Export v1    '))
    expect(() => decodeExport(junk)).toThrow(expect.objectContaining({ code: 'GAEN_EXPORT' }))
    expect(() => unzipExport(new Uint8Array(30))).toThrow(
      expect.objectContaining({ code: 'GAEN_EXPORT' }),
    )
  })
})

describe("Vigil's own exports", () => {
  it('parse with protobufjs over the published export format and verify with openssl', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const e: TekExport = {
      startTimestamp: 1764000000,
      endTimestamp: 1764014400,
      region: 'CH',
      batchNum: 1,
      batchSize: 1,
      signatureInfos: [
        {
          verificationKeyVersion: 'v1',
          verificationKeyId: '228',
          signatureAlgorithm: ECDSA_SHA256_OID,
        },
      ],
      keys: [
        {
          keyData: new Uint8Array(16).fill(1),
          transmissionRiskLevel: 2,
          rollingStartIntervalNumber: 2940000,
          rollingPeriod: 144,
          reportType: 1,
          daysSinceOnsetOfSymptoms: -3,
        },
        {
          keyData: new Uint8Array(16).fill(2),
          transmissionRiskLevel: 4,
          rollingStartIntervalNumber: 2940144,
          rollingPeriod: 90,
          reportType: 3,
          daysSinceOnsetOfSymptoms: 2,
        },
      ],
      revisedKeys: [
        { keyData: new Uint8Array(16).fill(3), rollingStartIntervalNumber: 2939856, reportType: 5 },
      ],
    }
    const bin = encodeExport(e)
    const der = await signExportBin(pair.privateKey, bin)
    const sig = encodeSignatureList([
      { signatureInfo: e.signatureInfos[0] ?? {}, batchNum: 1, batchSize: 1, signature: der },
    ])
    const zip = zipExport(bin, sig)
    const back = unzipExport(zip)

    const { Export, SigList } = gaenExportTypes()
    const decoded = Export.toObject(Export.decode(back.bin.subarray(16)), {
      longs: Number,
      enums: Number,
      bytes: String,
      defaults: false,
    }) as Decoded
    expect(decoded.startTimestamp).toBe(1764000000)
    expect(decoded.region).toBe('CH')
    expect(decoded.keys).toHaveLength(2)
    expect(decoded.keys[0]).toEqual({
      keyData: toBase64(new Uint8Array(16).fill(1)),
      transmissionRiskLevel: 2,
      rollingStartIntervalNumber: 2940000,
      reportType: 1,
      daysSinceOnsetOfSymptoms: -3,
    })
    expect(decoded.keys[1]?.rollingPeriod).toBe(90)
    expect(decoded.revisedKeys[0]?.reportType).toBe(5)
    const sl = SigList.toObject(SigList.decode(back.sig), { bytes: Array }) as {
      signatures: { signatureInfo: { verificationKeyId: string } }[]
    }
    expect(sl.signatures[0]?.signatureInfo.verificationKeyId).toBe('228')

    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
    writeFileSync(join(dir, 'pub.pem'), spkiToPem(spki))
    writeFileSync(join(dir, 'export.bin'), back.bin)
    writeFileSync(join(dir, 'sig.der'), der)
    const out = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'pub.pem'),
        '-signature',
        join(dir, 'sig.der'),
        join(dir, 'export.bin'),
      ],
      { encoding: 'utf8' },
    )
    expect(out).toContain('Verified OK')
  })

  it('DER and P1363 convert both ways, including short and high-bit integers', () => {
    for (const raw of [
      new Uint8Array(64).fill(0xff),
      new Uint8Array(64).fill(0).map((_, i) => (i === 31 || i === 63 ? 1 : 0)),
    ]) {
      expect(toHex(derToP1363(p1363ToDer(raw)))).toBe(toHex(raw))
    }
    expect(() => derToP1363(new Uint8Array([0x30, 1, 2]))).toThrow()
  })
})
