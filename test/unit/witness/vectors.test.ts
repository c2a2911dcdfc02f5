/**
 * The C2SP cosignature vectors from a witness's side (FiloSottile/sunlight cmd/skylight/testdata,
 * keys from gen.go): the cosigning step `vigil witness` uses (cosign + one signature line)
 * reproduces the witness and witness2 lines byte for byte, and each verifies with its vkey.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import {
  cosign,
  createCosigner,
  formatSignatureLine,
  formatVerifierKey,
  parseNote,
  signerKeyFromSeed,
  verifyCosignature,
} from '../../../src/core/note/index.ts'
import { readVectorJson, readVectorText } from '../../helpers/vectors.ts'

interface Skylight {
  witness: { witness_vkey: string; witness2_vkey: string; cosignature_timestamp: number }
}
const skylight = readVectorJson<Skylight>('tlog/sunlight-skylight.json')
const T = BigInt(skylight.witness.cosignature_timestamp)

describe('witness cosignatures: sunlight skylight testdata', () => {
  it.each([
    [
      'witness/checkpoint',
      'witness.example.org',
      'skylight test witness key',
      skylight.witness.witness_vkey,
    ],
    [
      'witness2/checkpoint',
      'witness2.example.org',
      'skylight test witness2 key',
      skylight.witness.witness2_vkey,
    ],
  ])('%s: re-cosigning reproduces the line; it verifies', async (file, name, label, vkey) => {
    const note = readVectorText(`tlog/sunlight-skylight/${file}`)
    const key = await signerKeyFromSeed(name, sha256(new TextEncoder().encode(label)), 4)
    expect(formatVerifierKey(key)).toBe(vkey)
    const { text, signatures } = parseNote(note)
    const line = formatSignatureLine(await cosign(text, await createCosigner(key), T))
    expect(note.endsWith(line)).toBe(true)
    const theirs = signatures.find((s) => s.name === name)?.signature ?? new Uint8Array()
    expect(await verifyCosignature(text, theirs, vkey)).toBe(T)
    // One second later is another signature: the timestamp is signed.
    const later = formatSignatureLine(await cosign(text, await createCosigner(key), T + 1n))
    expect(note.endsWith(later)).toBe(false)
  })
})
