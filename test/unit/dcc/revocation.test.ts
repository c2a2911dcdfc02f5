/**
 * core/dcc/revocation: the three hash types of the EU gateway's revocation batches (dcc.md §6),
 * recomputed here with node:crypto as an independent check, and a revoked certificate found by
 * each type on its own.
 */
import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  checkDccRevocation,
  DCC_HASH_TYPES,
  dccRevocationHashes,
  parseCoseSign1,
} from '../../../src/core/dcc/index.ts'
import { createKey, signCose, type TestKey, VACCINATION } from '../../helpers/dcc.ts'

const hash16 = (data: Uint8Array | string) =>
  createHash('sha256').update(data).digest().subarray(0, 16).toString('base64')
const UCI = VACCINATION.v[0]?.ci as string

let ec: TestKey
let rsa: TestKey
beforeAll(async () => {
  ec = await createKey('EC')
  rsa = await createKey('RSA')
})

describe('revocation hashes', () => {
  it('UCI, COUNTRYCODEUCI (iss then UCI) and SIGNATURE (ECDSA: r only; RSA: all of it)', async () => {
    for (const key of [ec, rsa]) {
      const { signature } = parseCoseSign1(await signCose(key))
      const hashes = await dccRevocationHashes({
        iss: 'AT',
        uci: UCI,
        signature,
        keyType: key.keyType,
      })
      const signed = key.keyType === 'EC' ? signature.subarray(0, 32) : signature
      expect(hashes).toEqual({
        UCI: hash16(UCI),
        COUNTRYCODEUCI: hash16(`AT${UCI}`),
        SIGNATURE: hash16(signed),
      })
    }
  })

  it.each(DCC_HASH_TYPES)('finds a certificate revoked by its %s hash alone', async (type) => {
    const { signature } = parseCoseSign1(await signCose(ec))
    const input = { kid: ec.signer.kid, iss: 'AT', uci: UCI, signature, keyType: 'EC' as const }
    const hashes = await dccRevocationHashes(input)
    const list = { [ec.signer.kid]: { [type]: [hash16('another certificate'), hashes[type]] } }
    await expect(checkDccRevocation(input, list)).rejects.toThrow(
      expect.objectContaining({ code: 'DCC_REVOKED', field: type }),
    )
    // The same hash under another kid, or under another type, revokes nothing.
    expect(await checkDccRevocation(input, { other: list[ec.signer.kid] as object })).toEqual([])
    const otherType = DCC_HASH_TYPES.find((t) => t !== type) as string
    const moved = { [ec.signer.kid]: { [otherType]: [hashes[type]] } }
    expect(await checkDccRevocation(input, moved)).toEqual([otherType])
  })
})
