/**
 * A clone tests itself: known-answer vectors come from test/vectors, never from a folder beside
 * the repository. The check reads the source text of src/, test/ and bench/ (the vector data
 * itself is left out: it is upstream bytes, not code).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const VECTORS = join(ROOT, 'test', 'vectors')

/** Built from parts so that this file does not match itself. */
const FORBIDDEN = [
  new RegExp(['shared', 'vectors'].join('/')),
  new RegExp(['\\.\\.', 'shared\\b'].join('/')),
]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs|cjs|json|md)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.startsWith(VECTORS))
}

/** `file: line` for every line that reaches outside the repository for vectors. */
function offenders(text: string, file: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (FORBIDDEN.some((re) => re.test(line)) ? [`${file}:${i + 1}`] : []))
}

describe('the repository carries its own test vectors', () => {
  it('no file under src/, test/ or bench/ reads vectors from outside the repository', () => {
    const found = ['src', 'test', 'bench'].flatMap((d) =>
      sourceFiles(join(ROOT, d)).flatMap((f) =>
        offenders(readFileSync(f, 'utf8'), relative(ROOT, f)),
      ),
    )
    expect(found).toEqual([])
  })

  it('the check catches a reference to the old location (so it can fail)', () => {
    const planted = `const dir = '../../../${'shared'}/vectors/'`
    expect(offenders(`ok\n${planted}\n`, 'x.ts')).toEqual(['x.ts:2'])
    expect(offenders(`see ../${'shared'}/reference`, 'y.md')).toEqual(['y.md:1'])
  })

  it('the vectors folder is there, with a README naming each source', () => {
    for (const d of ['tlog', 'gaen', 'shc', 'dcc', 'signals', 'certlogic']) {
      expect(readFileSync(join(VECTORS, d, 'README.md'), 'utf8')).toMatch(/licen[cs]e/i)
    }
  })
})
