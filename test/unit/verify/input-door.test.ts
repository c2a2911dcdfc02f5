/**
 * What a door is handed, read into one JWS: QR text wrapped by an e-mail client, `SHC:/` in
 * capitals, a JWS over several lines, a chunked set with parts missing (counted), an EU DCC
 * (named, not misread), and a true misread still failing with its code.
 */
import { describe, expect, it } from 'vitest'
import { encodeShcQr } from '../../../src/core/shc/index.ts'
import { qrChunkProgress, readScannedText } from '../../../src/core/verify/index.ts'

// A JWS-shaped text (readScannedText does not check signatures) and its QR digits.
const JWS = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl'
const QR = encodeShcQr(JWS)

describe('readScannedText: inputs a door gets', () => {
  it('reads QR text as scanned', () => {
    expect(readScannedText(QR)).toMatchObject({ jws: JWS, source: 'qr' })
  })

  it('reads QR text with spaces and line breaks inside (pasted from an e-mail)', () => {
    const digits = QR.slice('shc:/'.length)
    const wrapped = `  shc:/${digits.slice(0, 40)}\r\n${digits.slice(40, 77)} ${digits.slice(77)}\n`
    expect(readScannedText(wrapped)).toMatchObject({ jws: JWS, source: 'qr' })
  })

  it('reads SHC:/ in capitals (QR alphanumeric mode)', () => {
    expect(readScannedText(QR.replace('shc:/', 'SHC:/'))).toMatchObject({ jws: JWS })
  })

  it('reads a JWS broken over lines', () => {
    const [h, p, s] = JWS.split('.')
    expect(readScannedText(`${h}.\n${p}\n.${s?.slice(0, 5)} ${s?.slice(5)}`)).toMatchObject({
      jws: JWS,
      source: 'jws',
    })
  })

  it('still reads a chunked set, each part with its own prefix, wrapped or not', () => {
    const text = 'SHC:/2/2/58\n59\nshc:/1/2/5657'
    expect(readScannedText(text)).toMatchObject({ jws: 'efgh', source: 'qr' })
  })

  it('names an EU Digital COVID Certificate instead of calling it unreadable', () => {
    expect(() => readScannedText('HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II')).toThrow(
      expect.objectContaining({ code: 'VERIFY_INPUT_DCC' }),
    )
  })

  it('still refuses a real odd digit count and a bad digit pair, with their codes', () => {
    expect(() => readScannedText(`${QR}1`)).toThrow(
      expect.objectContaining({ code: 'SHC_QR_ODD_DIGITS' }),
    )
    expect(() => readScannedText(`shc:/99${QR.slice(7)}`)).toThrow(
      expect.objectContaining({ code: 'SHC_QR_DIGIT_PAIR' }),
    )
    // Whitespace is removed, never digits: a wrapped odd count stays odd.
    expect(() => readScannedText(`${QR.slice(0, 30)}\n${QR.slice(30)}1`)).toThrow(
      expect.objectContaining({ code: 'SHC_QR_ODD_DIGITS' }),
    )
  })

  it('says a chunked set with a part missing is missing a part', () => {
    expect(() => readScannedText('shc:/1/3/5657\nshc:/3/3/5859')).toThrow(
      expect.objectContaining({ code: 'SHC_QR_CHUNK_MISSING' }),
    )
  })
})

describe('qrChunkProgress', () => {
  it('counts the distinct parts of an incomplete set', () => {
    expect(qrChunkProgress('shc:/1/3/5657\nshc:/3/3/5859')).toEqual({ scanned: 2, total: 3 })
    expect(qrChunkProgress('shc:/2/3/56 57')).toEqual({ scanned: 1, total: 3 })
    expect(qrChunkProgress('shc:/2/3/5657 shc:/2/3/5657')).toEqual({ scanned: 1, total: 3 })
  })

  it('is undefined for a single QR, a complete set, mixed totals or other text', () => {
    expect(qrChunkProgress(QR)).toBeUndefined()
    expect(qrChunkProgress('shc:/1/2/5657\nshc:/2/2/5859')).toBeUndefined()
    expect(qrChunkProgress('shc:/1/2/5657\nshc:/2/3/5859')).toBeUndefined()
    expect(qrChunkProgress(JWS)).toBeUndefined()
    expect(qrChunkProgress('')).toBeUndefined()
  })
})
