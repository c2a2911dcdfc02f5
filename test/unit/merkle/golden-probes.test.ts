import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/codec/index.ts'
import { MerkleError, verifyConsistency, verifyInclusion } from '../../../src/core/merkle/index.ts'
import { vectorPath } from '../../helpers/vectors.ts'

const ROOT = 'tlog/transparency-dev-merkle/testdata'

/** Reads a probe, keeping u64 fields exact: 2^64 − 1 does not survive JSON.parse as a number. */
function readProbe(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8').replace(
    /"(leafIdx|treeSize|size1|size2)":\s*(\d+)/g,
    '"$1": "$2"',
  )
  return JSON.parse(text) as Record<string, unknown>
}

function probes(kind: string): [string, Record<string, unknown>][] {
  const dir = vectorPath(`${ROOT}/${kind}`)
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, readProbe(`${dir}/${f}`)])
}

const b64 = (v: unknown) => fromBase64(v as string)
const proofOf = (v: unknown) => ((v as string[] | null) ?? []).map(b64)

/** Runs `fn`; a MerkleError is a rejection, anything else is a bug in the verifier. */
function outcome(fn: () => void): boolean {
  try {
    fn()
    return false
  } catch (e) {
    if (!(e instanceof MerkleError)) throw e
    return true
  }
}

describe('transparency-dev/merkle testdata/inclusion (golden probes)', () => {
  const all = probes('inclusion')
  it('has 98 probes', () => expect(all.length).toBe(98))
  for (const [file, p] of all) {
    it(`${file}: ${p.desc} -> wantErr ${p.wantErr}`, () => {
      const rejected = outcome(() =>
        verifyInclusion(
          b64(p.leafHash),
          BigInt(p.leafIdx as string),
          BigInt(p.treeSize as string),
          proofOf(p.proof),
          b64(p.root),
        ),
      )
      expect(rejected).toBe(p.wantErr)
    })
  }
})

describe('transparency-dev/merkle testdata/consistency (golden probes)', () => {
  const all = probes('consistency')
  it('has 98 probes', () => expect(all.length).toBe(98))
  for (const [file, p] of all) {
    it(`${file}: ${p.desc} -> wantErr ${p.wantErr}`, () => {
      const rejected = outcome(() =>
        verifyConsistency(
          BigInt(p.size1 as string),
          BigInt(p.size2 as string),
          b64(p.root1),
          b64(p.root2),
          proofOf(p.proof),
        ),
      )
      expect(rejected).toBe(p.wantErr)
    })
  }
})
