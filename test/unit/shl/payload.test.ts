/**
 * The `shlink:/` payload (IG "SMART Health Links", §Construct a SMART Health Link Payload): the
 * spec's own example read back, and each rule of the payload table refused on one field.
 */
import { describe, expect, it } from 'vitest'
import { toBase64Url, utf8 } from '../../../src/core/codec/index.ts'
import {
  encodeShlink,
  extractShlink,
  flagString,
  parseShlink,
  readFlags,
  type ShlErrorCode,
  viewerUrl,
} from '../../../src/core/shl/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'

interface SpecExamples {
  payload: {
    json: { url: string; flag: string; key: string; label: string }
    shlink: string
    viewer: string
  }
}
const spec = readVectorJson<SpecExamples>('shl/spec-examples.json')

const KEY = 'rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q'
const URL_ = 'https://shl.example.org/shl/I91rhba3VsuGXGchcnr6VHlQFKxfE28kuZ0ssbEuxno'

/** A link whose payload is `json` as given, bypassing the encoder's checks. */
const raw = (json: unknown) => `shlink:/${toBase64Url(utf8(JSON.stringify(json)))}`

function codeOf(fn: () => unknown): ShlErrorCode | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { code?: ShlErrorCode }).code
  }
  return undefined
}

describe('the spec example', () => {
  it('encodes to the spec’s shlink text, byte for byte (minified, property order kept)', () => {
    expect(encodeShlink(spec.payload.json)).toBe(spec.payload.shlink)
  })

  it('reads back from the bare link and from the viewer URL alike', () => {
    for (const text of [spec.payload.shlink, spec.payload.viewer]) {
      const p = parseShlink(text)
      expect(p.url).toBe(spec.payload.json.url)
      expect(p.key).toBe(spec.payload.json.key)
      expect(p.label).toBe(spec.payload.json.label)
      expect(p.flags).toEqual({ longTerm: true, passcode: true, single: false })
    }
  })

  it('makes a viewer URL ending in # before the link (the fragment never reaches a server)', () => {
    const v = viewerUrl('https://viewer.example.org', spec.payload.shlink)
    expect(v).toBe(spec.payload.viewer)
    expect(new URL(v).hash.slice(1)).toBe(spec.payload.shlink)
  })
})

describe('payload rules, each refused with its own code', () => {
  const ok = { url: URL_, key: KEY }

  it('accepts the smallest valid payload', () => {
    expect(parseShlink(raw(ok)).flags).toEqual({ longTerm: false, passcode: false, single: false })
  })

  it('key: 43 base64url characters (32 bytes), nothing else', () => {
    expect(codeOf(() => parseShlink(raw({ ...ok, key: KEY.slice(1) })))).toBe('SHL_KEY')
    expect(codeOf(() => parseShlink(raw({ ...ok, key: `${KEY}A` })))).toBe('SHL_KEY')
    expect(codeOf(() => parseShlink(raw({ ...ok, key: `${KEY.slice(0, 42)}+` })))).toBe('SHL_KEY')
    expect(codeOf(() => parseShlink(raw({ url: URL_ })))).toBe('SHL_KEY')
  })

  it('url: https (http only to loopback), at most 128 characters', () => {
    expect(codeOf(() => parseShlink(raw({ ...ok, url: 'http://shl.example.org/x' })))).toBe(
      'SHL_URL',
    )
    expect(parseShlink(raw({ ...ok, url: 'http://localhost:8787/shl/x' })).url).toContain(
      'localhost',
    )
    const long = `https://shl.example.org/${'a'.repeat(105)}`
    expect(long.length).toBe(129)
    expect(codeOf(() => parseShlink(raw({ ...ok, url: long })))).toBe('SHL_URL')
    expect(parseShlink(raw({ ...ok, url: long.slice(0, 128) })).url.length).toBe(128)
    expect(codeOf(() => parseShlink(raw({ key: KEY })))).toBe('SHL_URL')
    expect(codeOf(() => parseShlink(raw({ ...ok, url: 'https://u:p@shl.example.org/x' })))).toBe(
      'SHL_URL',
    )
  })

  it('label: at most 80 characters (counted as characters, not UTF-16 units)', () => {
    expect(parseShlink(raw({ ...ok, label: 'é'.repeat(80) })).label).toHaveLength(80)
    expect(parseShlink(raw({ ...ok, label: '💉'.repeat(80) })).label).toBe('💉'.repeat(80))
    expect(codeOf(() => parseShlink(raw({ ...ok, label: 'x'.repeat(81) })))).toBe('SHL_LABEL')
    expect(codeOf(() => parseShlink(raw({ ...ok, label: 7 })))).toBe('SHL_LABEL')
  })

  it('flag U with P is refused, when making and when reading a link', () => {
    expect(codeOf(() => encodeShlink({ ...ok, flag: 'PU' }))).toBe('SHL_FLAG')
    expect(codeOf(() => parseShlink(raw({ ...ok, flag: 'PU' })))).toBe('SHL_FLAG')
    expect(codeOf(() => readFlags('LPU'))).toBe('SHL_FLAG')
  })

  it('flag letters in alphabetical order, each once; unknown letters are ignored on reading', () => {
    expect(codeOf(() => encodeShlink({ ...ok, flag: 'PL' }))).toBe('SHL_FLAG')
    expect(codeOf(() => encodeShlink({ ...ok, flag: 'LL' }))).toBe('SHL_FLAG')
    expect(flagString({ longTerm: true, passcode: true, single: false })).toBe('LP')
    expect(flagString({ longTerm: true, passcode: false, single: true })).toBe('LU')
    // A future flag letter a v1 receiver does not know (Design Note "Protocol Versioning").
    expect(parseShlink(raw({ ...ok, flag: 'LQ' })).flags).toEqual({
      longTerm: true,
      passcode: false,
      single: false,
    })
  })

  it('exp: epoch seconds; v: only 1; unknown properties are ignored', () => {
    expect(codeOf(() => parseShlink(raw({ ...ok, exp: '2025' })))).toBe('SHL_EXP')
    expect(codeOf(() => parseShlink(raw({ ...ok, exp: -1 })))).toBe('SHL_EXP')
    expect(codeOf(() => parseShlink(raw({ ...ok, v: 2 })))).toBe('SHL_VERSION')
    expect(parseShlink(raw({ ...ok, v: 1, _x: 1, extension: {} })).v).toBe(1)
  })

  it('not a link at all: SHL_FORMAT', () => {
    expect(codeOf(() => parseShlink('shc:/0123'))).toBe('SHL_FORMAT')
    expect(codeOf(() => parseShlink('shlink:/!!!'))).toBe('SHL_FORMAT')
    expect(codeOf(() => parseShlink(`shlink:/${toBase64Url(utf8('[1]'))}`))).toBe('SHL_FORMAT')
    expect(codeOf(() => parseShlink('https://viewer.example.org/#nothing'))).toBe('SHL_FORMAT')
    expect(extractShlink(`  ${spec.payload.shlink}\n`)).toBe(spec.payload.shlink)
  })
})
