/**
 * platform/node-crypto nodeDccVerify gives the same answers as the WebCrypto default: on keys
 * made here (ES256, PS256, a flipped byte, an unusable key) and on every dgc-testdata vector
 * that states a VERIFY expectation.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64, fromHex } from '../../../src/core/codec/index.ts'
import {
  dccTrust,
  parseCoseSign1,
  signerFromDsc,
  verifyDccSignature,
} from '../../../src/core/dcc/index.ts'
import { nodeDccVerify } from '../../../src/platform/node-crypto/index.ts'
import { createKey, flipByte, signCose, type TestKey } from '../../helpers/dcc.ts'
import { dccVectorPaths, readDccVector } from './vector-file.ts'

const code = (c: string) => expect.objectContaining({ code: c })

let ec: TestKey
let rsa: TestKey
beforeAll(async () => {
  ec = await createKey('EC')
  rsa = await createKey('RSA')
})

describe('nodeDccVerify', () => {
  it('verifies ES256 and PS256, refuses a flipped byte and an unusable key', async () => {
    for (const key of [ec, rsa]) {
      const trust = dccTrust([key.signer])
      const good = parseCoseSign1(await signCose(key))
      expect(await verifyDccSignature(good, trust, nodeDccVerify)).toBe(key.signer)
      const bad = parseCoseSign1(await signCose(key, { corrupt: (s) => flipByte(s, 3) }))
      await expect(verifyDccSignature(bad, trust, nodeDccVerify)).rejects.toThrow(
        code('DCC_SIGNATURE'),
      )
      const broken = dccTrust([{ ...key.signer, spki: key.signer.spki.subarray(0, 20) }])
      await expect(verifyDccSignature(good, broken, nodeDccVerify)).rejects.toThrow(
        code('DCC_TRUST'),
      )
    }
  })

  it('agrees with WebCrypto on every dgc-testdata VERIFY expectation', async () => {
    let compared = 0
    for (const path of dccVectorPaths()) {
      const v = readDccVector(path)
      if (v.EXPECTEDRESULTS.EXPECTEDVERIFY === undefined || v.COSE === undefined) continue
      if (v.TESTCTX?.CERTIFICATE === undefined) continue
      const trust = dccTrust([await signerFromDsc(fromBase64(v.TESTCTX.CERTIFICATE))])
      const outcome = async (verify?: typeof nodeDccVerify) => {
        try {
          await verifyDccSignature(parseCoseSign1(fromHex(v.COSE as string)), trust, verify)
          return 'ok'
        } catch (err) {
          return (err as { code?: string }).code ?? 'other'
        }
      }
      expect(await outcome(nodeDccVerify), path).toBe(await outcome())
      compared++
    }
    expect(compared).toBe(70)
  })
})
