/**
 * SHC numeric QR text (§Encoding chunks as QR codes, FAQ/qr.md): the ord − 45 mapping, strict
 * decoding, legacy chunk sets, the two-segment form for `qrcode`, and the V22 size limits.
 */
import { describe, expect, it } from 'vitest'
import {
  assertFitsSingleQr,
  createShcQrSegments,
  decodeQrDigits,
  encodeQrDigits,
  encodeShcQr,
  MAX_QR_JWS_LENGTH,
  readShcQr,
} from '../../../src/core/shc/index.ts'
import { readVectorText } from '../../helpers/vectors.ts'
import { expectShcCode } from './fixtures.ts'

const spec = (name: string) => readVectorText(`shc/spec-examples/${name}`)

describe('numeric mapping', () => {
  it('maps the alphabet edges as in the spec table', () => {
    expect(encodeQrDigits('-.09AZ_az')).toBe('000103122045505277')
    expect(decodeQrDigits('000103122045505277')).toBe('-.09AZ_az')
  })

  it.each(['00', '01', '02', '03'])('example-0%s-f QR text decodes to example-0%s-d JWS', (n) => {
    const jws = spec(`example-${n}-d-jws.txt`)
    if (n === '02') {
      const chunks = [0, 1, 2].map((i) => spec(`example-02-f-qr-code-numeric-value-${i}.txt`))
      expect(readShcQr(chunks).jws).toBe(jws)
      return
    }
    const qr = spec(`example-${n}-f-qr-code-numeric-value-0.txt`)
    expect(readShcQr(qr)).toEqual({ jws, warnings: [] })
    expect(encodeShcQr(jws)).toBe(qr)
  })

  it('rejects a pair above 77 and pairs outside base64url and "."', async () => {
    await expectShcCode(() => decodeQrDigits('78'), 'SHC_QR_DIGIT_PAIR')
    await expectShcCode(() => decodeQrDigits('0002'), 'SHC_QR_DIGIT_PAIR') // '/'
    await expectShcCode(() => decodeQrDigits('13'), 'SHC_QR_DIGIT_PAIR') // ':'
    await expectShcCode(() => decodeQrDigits('51'), 'SHC_QR_DIGIT_PAIR') // '`'
  })

  it('rejects an odd digit count', async () => {
    await expectShcCode(() => decodeQrDigits('000'), 'SHC_QR_ODD_DIGITS')
  })

  it('refuses to encode characters that are not in a compact JWS', async () => {
    await expectShcCode(() => encodeQrDigits('a b'), 'SHC_JWS_FORMAT')
  })
})

describe('reading QR text', () => {
  const jws = spec('example-00-d-jws.txt')
  const digits = encodeQrDigits(jws)

  it.each([
    [`shc:${digits}`, 'SHC_QR_FORMAT'],
    [`SHC:/${digits}`, 'SHC_QR_FORMAT'],
    ['shc:/', 'SHC_QR_FORMAT'],
    ['shc:/12a4', 'SHC_QR_FORMAT'],
    [`shc:/0/1/${digits}`, 'SHC_QR_CHUNK_INDEX'],
    [`shc:/01/2/${digits}`, 'SHC_QR_CHUNK_INDEX'],
    [`shc:/1/99/${digits}`, 'SHC_QR_CHUNK_INDEX'],
    [`shc:/2/3/${digits}`, 'SHC_QR_CHUNK_MISSING'],
    [`shc:/${digits}7`, 'SHC_QR_ODD_DIGITS'],
    [`shc:/${'9'.repeat(8000)}`, 'SHC_TOO_LARGE'],
  ] as const)('%#: rejects with %s', async (text, code) => {
    await expectShcCode(() => readShcQr(text), code)
  })

  it('rejects an empty list, too many chunks, and mixed chunked/unchunked texts', async () => {
    await expectShcCode(() => readShcQr([]), 'SHC_INPUT')
    await expectShcCode(() => readShcQr(Array(33).fill('shc:/00')), 'SHC_TOO_LARGE')
    await expectShcCode(() => readShcQr(['shc:/00', 'shc:/2/2/01']), 'SHC_QR_CHUNK_INDEX', 'qr[0]')
    await expectShcCode(() => readShcQr(['shc:/1/2/00', 'shc:/2/3/01']), 'SHC_QR_CHUNK_INDEX')
  })

  it('reassembles chunks in any order and warns that chunking is deprecated', () => {
    const half = Math.floor(jws.length / 2)
    const a = `shc:/1/2/${encodeQrDigits(jws.slice(0, half))}`
    const b = `shc:/2/2/${encodeQrDigits(jws.slice(half))}`
    expect(readShcQr([b, a])).toEqual({
      jws,
      warnings: [{ code: 'SHC_QR_CHUNKED', message: expect.any(String) }],
    })
  })

  it('trims surrounding whitespace with a warning', () => {
    const { jws: read, warnings } = readShcQr(`\n shc:/${digits}\t`)
    expect(read).toBe(jws)
    expect(warnings.map((w) => w.code)).toEqual(['SHC_WHITESPACE_TRIMMED'])
  })
})

describe('QR output for the issuer', () => {
  it('gives exactly two segments: byte shc:/ then numeric digits', () => {
    const jws = spec('example-00-d-jws.txt')
    expect(createShcQrSegments(jws)).toEqual([
      { data: 'shc:/', mode: 'byte' },
      { data: encodeQrDigits(jws), mode: 'numeric' },
    ])
  })

  it('holds the V22 limits of FAQ/qr.md: ⌊(data bits − 76) × 3/20⌋', () => {
    const bits = { L: 8048, M: 6256, Q: 4544, H: 3536 } as const
    for (const [ecc, dataBits] of Object.entries(bits)) {
      expect(MAX_QR_JWS_LENGTH[ecc as keyof typeof bits]).toBe(
        Math.floor(((dataBits - 76) * 3) / 20),
      )
    }
  })

  it('accepts 1195 characters at level L and refuses 1196 (and 928 at level M)', async () => {
    const at = (n: number) => 'a'.repeat(n)
    expect(() => assertFitsSingleQr(at(1195))).not.toThrow()
    await expectShcCode(() => encodeShcQr(at(1196)), 'SHC_TOO_LARGE', 'jws')
    await expectShcCode(() => createShcQrSegments(at(928), 'M'), 'SHC_TOO_LARGE', 'jws')
    expect(() => assertFitsSingleQr(at(927), 'M')).not.toThrow()
  })

  it('never chunks: example-02 (3173 characters) is refused', async () => {
    await expectShcCode(() => encodeShcQr(spec('example-02-d-jws.txt')), 'SHC_TOO_LARGE')
  })
})
