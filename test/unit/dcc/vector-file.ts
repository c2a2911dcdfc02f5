/**
 * The dgc-testdata vector files under test/vectors/dcc (README there: source, commit, licence,
 * format): listing, reading and the expectation each one tests.
 */
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { readVectorJson, VECTORS_DIR } from '../../helpers/vectors.ts'

export interface DccVector {
  readonly JSON?: Record<string, unknown>
  readonly CBOR?: string
  readonly COSE?: string
  readonly COMPRESSED?: string
  readonly BASE45?: string
  readonly PREFIX?: string
  readonly '2DCODE'?: string
  readonly TESTCTX?: {
    readonly CERTIFICATE?: string
    readonly VALIDATIONCLOCK?: string
    readonly DESCRIPTION?: string
  }
  readonly EXPECTEDRESULTS: Readonly<Record<string, boolean>>
}

/** Every vector, by its path under test/vectors/dcc (e.g. `common/2DCode/raw/CO20.json`). */
export function dccVectorPaths(): string[] {
  const root = join(VECTORS_DIR, 'dcc')
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json') && e.name !== 'known-defects.json')
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort()
}

export function readDccVector(path: string): DccVector {
  return readVectorJson<DccVector>(`dcc/${path}`)
}

/** The validation clock in POSIX seconds; values without an offset (IS) are UTC. */
export function validationClock(v: DccVector): number | undefined {
  const text = v.TESTCTX?.VALIDATIONCLOCK
  if (text === undefined) return undefined
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`
  return Math.floor(Date.parse(zoned) / 1000)
}
