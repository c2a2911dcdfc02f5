/**
 * What Vigil's core/dcc gives for each expectation of a dgc-testdata vector (README in
 * test/vectors/dcc: "Meaning of each expectation"): true when the step succeeds with the
 * vector's own data, false when it throws or gives other bytes, undefined when the vector lacks
 * what the step needs. ENCODE (issuer side) is not Vigil's to test.
 */
import { isDeepStrictEqual } from 'node:util'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { fromBase64, fromHex, toHex } from '../../../src/core/codec/index.ts'
import { decodeClaims, toJson } from '../../../src/core/dcc/cbor.ts'
import {
  base45Decode,
  checkDccKeyUsage,
  checkDccSchema,
  checkDccTime,
  type DccType,
  dccTrust,
  decodeHc1,
  euDccOf,
  inflateZlib,
  parseCoseSign1,
  readDccClaims,
  signerFromDsc,
  unprefixHc1,
  verifyDccSignature,
} from '../../../src/core/dcc/index.ts'
import { type DccVector, validationClock } from './vector-file.ts'

export const EXPECTATIONS = [
  'UNPREFIX',
  'B45DECODE',
  'COMPRESSION',
  'PICTUREDECODE',
  'DECODE',
  'VALIDJSON',
  'VERIFY',
  'EXPIRATIONCHECK',
  'KEYUSAGE',
  'SCHEMAVALIDATION',
  'VALIDOBJECT',
] as const
export type Expectation = (typeof EXPECTATIONS)[number]

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** Date-times compared to the second, whatever their offset or fraction (README: DECODE). */
function normalise(value: unknown): unknown {
  if (typeof value === 'string' && ISO_DATE_TIME.test(value)) {
    const t = Date.parse(value)
    return Number.isNaN(t) ? value : Math.floor(t / 1000)
  }
  if (Array.isArray(value)) return value.map(normalise)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]))
  }
  return value
}

const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(normalise(a), normalise(b))

function succeeds(step: () => boolean): boolean {
  try {
    return step()
  } catch {
    return false
  }
}

async function succeedsAsync(step: () => Promise<boolean>): Promise<boolean> {
  try {
    return await step()
  } catch {
    return false
  }
}

/** The DCC in the vector's CBOR field: the payload itself, or a whole claims map (accept both). */
function payloadOfCbor(hex: string): unknown {
  const item = decodeClaims(fromHex(hex))
  if (item instanceof Map && item.has(-260))
    return toJson((item.get(-260) as Map<number, unknown>).get(1))
  return toJson(item)
}

function typeOf(dcc: Record<string, unknown>): DccType {
  const types = (['v', 't', 'r'] as const).filter((t) => dcc[t] !== undefined)
  if (types.length !== 1) throw new Error('not one type')
  return types[0] as DccType
}

function decodePng(base64: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'))
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data
}

export async function outcome(v: DccVector, e: Expectation): Promise<boolean | undefined> {
  const cert = v.TESTCTX?.CERTIFICATE
  const signer = () => signerFromDsc(fromBase64(cert as string))
  const claims = () => readDccClaims(parseCoseSign1(fromHex(v.COSE as string)).payload)
  switch (e) {
    case 'UNPREFIX':
      if (v.PREFIX === undefined) return undefined
      return succeeds(() => v.BASE45 === undefined || unprefixHc1(v.PREFIX as string) === v.BASE45)
    case 'B45DECODE':
      if (v.BASE45 === undefined) return undefined
      return succeeds(() => {
        const bytes = base45Decode(v.BASE45 as string)
        return v.COMPRESSED === undefined || toHex(bytes) === v.COMPRESSED.toLowerCase()
      })
    case 'COMPRESSION':
      if (v.COMPRESSED === undefined) return undefined
      return succeeds(() => {
        const bytes = inflateZlib(fromHex(v.COMPRESSED as string))
        return v.COSE === undefined || toHex(bytes) === v.COSE.toLowerCase()
      })
    case 'PICTUREDECODE':
      if (v['2DCODE'] === undefined) return undefined
      return succeeds(() => decodePng(v['2DCODE'] as string) === v.PREFIX)
    case 'DECODE':
      if (v.COSE === undefined && v.PREFIX === undefined) return undefined
      return succeeds(() => {
        // Without COSE bytes (CBO1) the chain starts from the QR text.
        const { dcc } = v.COSE === undefined ? decodeHc1(v.PREFIX as string).claims : claims()
        if (v.JSON !== undefined && !sameJson(dcc, v.JSON)) return false
        return v.CBOR === undefined || sameJson(payloadOfCbor(v.CBOR), dcc)
      })
    case 'VALIDJSON':
      if (v.PREFIX === undefined || v.JSON === undefined) return undefined
      return succeeds(() => sameJson(euDccOf(decodeHc1(v.PREFIX as string).claims), v.JSON))
    case 'VERIFY':
      if (v.COSE === undefined || cert === undefined) return undefined
      return succeedsAsync(async () => {
        await verifyDccSignature(
          parseCoseSign1(fromHex(v.COSE as string)),
          dccTrust([await signer()]),
        )
        return true
      })
    case 'EXPIRATIONCHECK': {
      const now = validationClock(v)
      if (v.COSE === undefined || cert === undefined || now === undefined) return undefined
      return succeedsAsync(async () => {
        checkDccTime(claims(), await signer(), now)
        return true
      })
    }
    case 'KEYUSAGE':
      if (v.COSE === undefined || cert === undefined) return undefined
      return succeedsAsync(async () => {
        checkDccKeyUsage(typeOf(euDccOf(claims())), (await signer()).eku)
        return true
      })
    case 'SCHEMAVALIDATION': {
      let dcc: Record<string, unknown> | undefined
      try {
        dcc = euDccOf(claims())
      } catch {
        dcc = v.JSON
      }
      if (dcc === undefined) return false
      const payload = dcc
      return succeeds(() => checkDccSchema(payload) !== undefined)
    }
    case 'VALIDOBJECT':
      if (v.JSON === undefined) return undefined
      return succeeds(() => checkDccSchema(v.JSON as Record<string, unknown>) !== undefined)
  }
}
