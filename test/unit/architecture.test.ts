/**
 * DESIGN.md principle 3 and the import direction, checked on the source text (Biome enforces the
 * same in lint; this test also covers relative imports that climb out of src/core).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|tsx)$/.test(d.name))
    .map((d) => join(d.parentPath, d.name))
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string)
}

/** Returns the violations of one rule over a folder, as "file: import" lines. */
function violations(
  dir: string,
  allowed: (spec: string, file: string) => boolean,
  noNodeGlobals = false,
): string[] {
  const out: string[] = []
  for (const file of files(dir)) {
    for (const spec of importsOf(file)) {
      if (!allowed(spec, file)) out.push(`${relative(ROOT, file)}: ${spec}`)
    }
    const text = readFileSync(file, 'utf8')
    if (noNodeGlobals && /\bprocess\.env\b|\bBuffer\.|\brequire\(/.test(text))
      out.push(`${relative(ROOT, file)}: node global`)
  }
  return out
}

const coreDir = join(ROOT, 'src/core')
const coreOnly = (spec: string, file: string) => {
  if (spec.startsWith('.')) return resolve(file, '..', spec).startsWith(coreDir)
  // Runtime-agnostic libraries that run unchanged in browsers and workerd.
  return (
    spec.startsWith('@noble/') ||
    spec === 'jose' ||
    spec.startsWith('@bufbuild/protobuf') ||
    spec === 'fflate' ||
    spec === 'pako'
  )
}

describe('src/core is pure', () => {
  it('imports only src/core and @noble (no node:*, hono, drizzle, postgres, process.env)', () => {
    expect(violations(coreDir, coreOnly, true)).toEqual([])
  })

  it('the check catches a violation (so it can fail)', () => {
    expect(coreOnly('node:fs', join(coreDir, 'x.ts'))).toBe(false)
    expect(coreOnly('hono', join(coreDir, 'x.ts'))).toBe(false)
    expect(coreOnly('../../db/client.ts', join(coreDir, 'merkle/x.ts'))).toBe(false)
    expect(coreOnly('../codec/hex.ts', join(coreDir, 'merkle/x.ts'))).toBe(true)
  })
})

describe('web pages import only the pure core', () => {
  const web = join(ROOT, 'web/src')
  const allowed = (spec: string, file: string) => {
    if (spec.startsWith('.')) {
      const target = resolve(file, '..', spec)
      return target.startsWith(coreDir) || target.startsWith(web)
    }
    return (
      spec.startsWith('@noble/') ||
      spec === 'jose' ||
      spec === 'jsqr' ||
      spec === 'chart.js' ||
      spec.startsWith('@simplewebauthn/browser')
    )
  }

  it('web/src reaches src/ only through src/core', () => {
    expect(violations(web, allowed, true)).toEqual([])
  })

  it('the check catches a page importing a service', () => {
    expect(allowed('../../../src/ledger/index.ts', join(web, 'log/main.ts'))).toBe(false)
    expect(allowed('../../../src/core/merkle/index.ts', join(web, 'log/main.ts'))).toBe(true)
  })
})

describe('import direction', () => {
  it('route handlers never import the database layer', () => {
    const routes = join(ROOT, 'src/http/routes')
    expect(
      violations(routes, (s) => !/(^drizzle-orm$|\/db\/)/.test(s) || s === 'drizzle-orm'),
    ).toEqual([])
  })

  it('services and db never import http or entry', () => {
    for (const dir of ['src/db', 'src/keys', 'src/config']) {
      expect(violations(join(ROOT, dir), (s) => !/\/(http|entry)\//.test(s))).toEqual([])
    }
  })
})
