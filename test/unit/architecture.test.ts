/**
 * The layer table (test/unit/layer-table.ts, shown in docs/ARCHITECTURE.md) checked on every file
 * under src/ and web/src, and each of its rules shown failing on one planted bad import.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkFile, importsOf, LAYERS, placeOf, type Rule, type Violation } from './layer-table.ts'

const ROOT = resolve(import.meta.dirname, '../..')

/** Every file and folder below src/ and web/src, repository-relative. */
function tree(): { files: string[]; folders: string[] } {
  const entries = ['src', 'web/src'].flatMap((top) =>
    readdirSync(join(ROOT, top), { withFileTypes: true, recursive: true }),
  )
  const path = (d: (typeof entries)[number]) => relative(ROOT, join(d.parentPath, d.name))
  return {
    files: entries.filter((d) => d.isFile()).map(path),
    folders: entries.filter((d) => d.isDirectory()).map(path),
  }
}

/**
 * Violations the code still has, each named with its way out. The test fails on any other
 * violation, and on an entry here that no longer occurs (so the list only shrinks).
 */
const PENDING: readonly { file: string; spec: string; rule: Rule; until: string }[] = []

const isPending = (v: Violation) =>
  PENDING.some((p) => p.file === v.file && p.spec === v.spec && p.rule === v.rule)

describe('the layer table holds for the whole tree', () => {
  const { files, folders } = tree()
  const violations = files.flatMap((f) => checkFile(f, readFileSync(join(ROOT, f), 'utf8')))

  it('every file under src/ and web/src is covered by a row and imports what its row allows', () => {
    expect(files.length).toBeGreaterThan(300)
    expect(violations.filter((v) => !isPending(v)).map((v) => v.message)).toEqual([])
  })

  it('every pending violation still occurs (remove it from the list once fixed)', () => {
    const occurs = (p: (typeof PENDING)[number]) =>
      violations.some((v) => v.file === p.file && v.spec === p.spec && v.rule === p.rule)
    expect(PENDING.filter((p) => !occurs(p))).toEqual([])
  })

  it('every folder is a unit, inside one, or one of the layer folders above them', () => {
    const layerFolders = new Set(['src/core', 'src/platform', 'src/services', 'src/tools'])
    expect(
      folders.filter((d) => !layerFolders.has(d) && placeOf(`${d}/x.ts`) === undefined),
    ).toEqual([])
  })

  it('every row covers at least one file (no row outlives its folder)', () => {
    const used = new Set(files.map((f) => placeOf(f)?.row))
    expect(LAYERS.filter((row) => !used.has(row)).map((row) => row.path)).toEqual([])
  })
})

/** The one rule a planted import breaks, and its message (which names the rule). */
function only(file: string, text: string): Violation {
  const found = checkFile(file, text)
  expect(found).toHaveLength(1)
  const v = found[0] as Violation
  expect(v.message).toContain(`[${v.rule}]`)
  return v
}

describe('each rule fails on one planted bad import', () => {
  it('unmapped: a file outside every row', () => {
    expect(only('src/helpers/x.ts', '').rule).toBe('unmapped')
    expect(only('src/core/x.ts', '').rule).toBe('unmapped')
    expect(only('src/services/billing/x.ts', '').rule).toBe('unmapped')
    expect(checkFile('src/core/merkle/x.ts', '')).toEqual([])
  })

  it('outside: a relative import that climbs out of src/', () => {
    const v = only('src/core/merkle/x.ts', "import { y } from '../../../test/helpers/app.ts'")
    expect(v.rule).toBe('outside')
    expect(v.message).toContain('test/helpers/app.ts')
    expect(checkFile('src/entry/worker.ts', "import pkg from '../../package.json'")).toEqual([])
  })

  it('layer: the core climbing into platform', () => {
    const v = only('src/core/merkle/x.ts', "import { Db } from '../../platform/db/index.ts'")
    expect(v.rule).toBe('layer')
    expect(v.message).toContain('core (src/core/merkle) may not import platform')
    expect(checkFile('src/core/merkle/x.ts', "import { toHex } from '../codec/index.ts'")).toEqual(
      [],
    )
  })

  it('layer: platform importing a service', () => {
    const v = only(
      'src/platform/keys/x.ts',
      "import { Ledger } from '../../services/ledger/index.ts'",
    )
    expect(v.rule).toBe('layer')
    expect(v.message).toContain('platform (src/platform/keys) may not import services')
  })

  it('layer: a service importing src/http', () => {
    const v = only('src/services/staff/x.ts', "import type { AppEnv } from '../../http/env.ts'")
    expect(v.rule).toBe('layer')
    expect(v.message).toContain('services (src/services/staff) may not import http')
  })

  it('layer: nothing below src/entry imports it', () => {
    const planted: [string, string][] = [
      ['src/http/app.ts', "import { startRuntime } from '../entry/runtime.ts'"],
      ['src/tools/audit/x.ts', "import { startRuntime } from '../../entry/runtime.ts'"],
      ['src/services/ledger/x.ts', "export { startRuntime } from '../../entry/runtime.ts'"],
    ]
    for (const [file, text] of planted) {
      const v = only(file, text)
      expect(v.rule).toBe('layer')
      expect(v.message).toContain('may not import entry')
    }
  })

  it('layer: a page importing anything but the core', () => {
    const v = only(
      'web/src/log/x.ts',
      "import { Ledger } from '../../../src/services/ledger/index.ts'",
    )
    expect(v.rule).toBe('layer')
    expect(v.message).toContain('web (web/src) may not import services')
    const core = "import { verifyInclusion } from '../../../src/core/merkle/index.ts'"
    expect(checkFile('web/src/log/x.ts', core)).toEqual([])
  })

  it('edge: a service → service import the table does not list', () => {
    const v = only('src/services/ledger/x.ts', "import { issue } from '../credentials/index.ts'")
    expect(v.rule).toBe('edge')
    expect(v.message).toContain('src/services/ledger → src/services/credentials')
    const listed = "import { appendLeaf } from '../ledger/index.ts'"
    expect(checkFile('src/services/credentials/x.ts', listed)).toEqual([])
  })

  it('edge: a tool → tool import the table does not list', () => {
    const v = only('src/tools/audit/x.ts', "import { monitor } from '../monitor/index.ts'")
    expect(v.rule).toBe('edge')
  })

  it('index: a deep import that bypasses the unit’s index.ts', () => {
    const v = only(
      'src/tools/audit/x.ts',
      "import { Ledger } from '../../services/ledger/ledger.ts'",
    )
    expect(v.rule).toBe('index')
    expect(v.message).toContain('import src/services/ledger/index.ts instead')
    expect(
      checkFile('src/tools/audit/x.ts', "import { Ledger } from '../../services/ledger/index.ts'"),
    ).toEqual([])
    // Dynamic imports and re-exports are imports too.
    expect(only('src/entry/x.ts', "await import('../platform/db/schema/keys.ts')").rule).toBe(
      'index',
    )
    expect(only('src/http/x.ts', "export * from '../core/note/note.ts'").rule).toBe('index')
  })

  it('package: the core importing a server framework, a service importing hono', () => {
    const core = only('src/core/note/x.ts', "import { Hono } from 'hono'")
    expect(core.rule).toBe('package')
    expect(core.message).toContain('may not import the package hono')
    expect(only('src/core/note/x.ts', "import { readFile } from 'node:fs'").rule).toBe('package')
    expect(only('src/services/staff/x.ts', "import { z } from '@hono/zod-openapi'").rule).toBe(
      'package',
    )
    expect(only('src/services/staff/x.ts', "import type { Context } from 'hono'").rule).toBe(
      'package',
    )
    expect(only('src/platform/keys/x.ts', "import { createHash } from 'node:crypto'").rule).toBe(
      'package',
    )
    expect(
      checkFile('src/core/note/x.ts', "import { sha256 } from '@noble/hashes/sha2.js'"),
    ).toEqual([])
    expect(checkFile('src/platform/db/x.ts', "import { readFile } from 'node:fs'")).toEqual([])
  })

  it('route-db: a route file importing the database layer or its driver', () => {
    const unit = only(
      'src/http/routes/x.ts',
      "import { credentials } from '../../platform/db/index.ts'",
    )
    expect(unit.rule).toBe('route-db')
    expect(only('src/http/routes/x.ts', "import { sql } from 'drizzle-orm'").rule).toBe('route-db')
    expect(only('src/http/routes/x.ts', "import postgres from 'postgres'").rule).toBe('route-db')
    // The rest of src/http may (the error mapper classifies a lost database).
    expect(
      checkFile('src/http/x.ts', "import { isDatabaseUnavailable } from '../platform/db/index.ts'"),
    ).toEqual([])
  })

  it('node-global: process.env, Buffer or require( in the core or a page', () => {
    expect(only('src/core/shc/x.ts', 'export const k = process.env.KEY').rule).toBe('node-global')
    expect(only('web/src/x.ts', "export const b = Buffer.from('x')").rule).toBe('node-global')
    expect(only('src/core/shc/x.ts', "const z = require('zlib')").rule).toBe('node-global')
    // Words in comments and strings are no use of them.
    expect(
      checkFile('src/core/shc/x.ts', "// no process.env here\nexport const s = 'Buffer'"),
    ).toEqual([])
    expect(checkFile('src/platform/db/x.ts', 'export const b = Buffer.byteLength("x")')).toEqual([])
  })
})

describe('importsOf reads imports from code only', () => {
  it('finds static, multi-line, type-only, side-effect, re-exported and dynamic imports', () => {
    const text = [
      "import { a } from './a.ts'",
      'import {',
      '  b,',
      '  type C,',
      "} from './b.ts'",
      "import type { D } from './d.ts'",
      "import './e.css'",
      "export * from './f.ts'",
      "export { g } from './g.ts'",
      "const h = await import('./h.ts')",
    ].join('\n')
    expect(importsOf(text)).toEqual([
      './a.ts',
      './b.ts',
      './d.ts',
      './e.css',
      './f.ts',
      './g.ts',
      './h.ts',
    ])
  })

  it('skips imports written in comments, strings, templates and after a regex with quotes', () => {
    const text = [
      "// import { x } from 'hono'",
      "/* import('hono') */",
      "const page = `<script type=module>import { y } from './y.js'</script>`",
      'const s = "import(\'drizzle-orm\')"',
      'const re = /[\'"`]/',
      "import { z } from './z.ts'",
    ].join('\n')
    expect(importsOf(text)).toEqual(['./z.ts'])
  })
})
