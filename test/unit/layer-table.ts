/**
 * The layer table and the one function that checks a file's text against it. The architecture
 * test runs it over every file under src/ and web/src; its unit tests plant bad imports through
 * the same function. docs/ARCHITECTURE.md shows the same table.
 *
 * A unit is a folder entered only through its index.ts (`src/core/<part>`, `src/platform/<part>`,
 * `src/services/<domain>`, `src/tools/<tool>`), or one of the single units `src/http`,
 * `src/entry`, `web/src`. Inside a unit, files import each other freely.
 */
import { posix } from 'node:path'

export type Layer = 'core' | 'platform' | 'services' | 'tools' | 'http' | 'entry' | 'web'

export type Rule =
  | 'unmapped' // a file under src/ or web/src that no row covers
  | 'outside' // a relative import that lands outside src/ and web/src
  | 'layer' // an import into a layer the row may not import
  | 'edge' // a service → service or tool → tool import the table does not list
  | 'index' // an import into another unit that bypasses its index.ts
  | 'package' // an npm package (or node:*) the row may not import
  | 'route-db' // a route file importing the database layer
  | 'node-global' // process.env, Buffer or require( in code that runs in browsers and workerd

export interface Row {
  /** Repository-relative path; a trailing `/*` makes each folder below it a unit of its own. */
  path: string
  layer: Layer
  /** The unit this row's files belong to, when it is not the row's own path (route files). */
  unit?: string
  /** Layers this row may import; its own unit is always allowed. */
  imports: readonly Layer[]
  /** Units of its own layer this row may import (service → service, tool → tool). */
  edges?: readonly string[]
  /** Package names; `@scope/*` any package of a scope, `node:*` Node built-ins, `*` anything. */
  packages: readonly string[]
  /** Units and packages forbidden even where the layer would allow them, with the rule named. */
  forbid?: { rule: Rule; units: readonly string[]; packages: readonly string[]; why: string }
  /** Runs in browsers and workerd: no process.env, Buffer or require(. */
  browser?: boolean
  /** 'index' (the default): other units import only its index.ts; 'any': any file (src/http). */
  entered?: 'index' | 'any'
  /** Files outside src/ and web/src this row may import (the package manifest, for the version). */
  files?: readonly string[]
}

const CORE_PACKAGES = [
  'jose',
  '@noble/*',
  'pako',
  'fflate',
  '@bufbuild/protobuf',
  'cborg',
  'certlogic-js',
]
const PLATFORM_PACKAGES = [...CORE_PACKAGES, 'zod', 'drizzle-orm']
const SERVICE_PACKAGES = [
  ...CORE_PACKAGES,
  'zod',
  'drizzle-orm',
  '@simplewebauthn/server',
  'csv-parse',
  'topojson-client',
  'qrcode',
]
const HTTP_PACKAGES = [
  ...CORE_PACKAGES,
  'hono',
  '@hono/zod-openapi',
  'zod',
  '@simplewebauthn/server',
]

const service = (name: string, edges: readonly string[]): Row => ({
  path: `src/services/${name}`,
  layer: 'services',
  imports: ['core', 'platform'],
  edges: edges.map((e) => `src/services/${e}`),
  packages: SERVICE_PACKAGES,
})

const tool = (name: string, edges: readonly string[]): Row => ({
  path: `src/tools/${name}`,
  layer: 'tools',
  imports: ['core', 'platform', 'services'],
  edges: edges.map((e) => `src/tools/${e}`),
  packages: [...CORE_PACKAGES, 'drizzle-orm'],
})

/** First matching row wins, so the specific rows come before the `/*` rows of their layer. */
export const LAYERS: readonly Row[] = [
  // The base class of every core error: a one-file unit that the parts and the HTTP error
  // mapper import directly.
  {
    path: 'src/core/errors.ts',
    layer: 'core',
    imports: ['core'],
    packages: CORE_PACKAGES,
    browser: true,
  },
  { path: 'src/core/*', layer: 'core', imports: ['core'], packages: CORE_PACKAGES, browser: true },
  {
    path: 'src/platform/db',
    layer: 'platform',
    imports: ['core', 'platform'],
    packages: [...PLATFORM_PACKAGES, 'postgres', '@electric-sql/*', 'node:*'],
  },
  {
    path: 'src/platform/node-crypto',
    layer: 'platform',
    imports: ['core', 'platform'],
    packages: [...CORE_PACKAGES, 'node:*'],
  },
  // The published copy as files (Node only: Workers use the R2 store of platform/object-store).
  {
    path: 'src/platform/object-store-dir',
    layer: 'platform',
    imports: ['core', 'platform'],
    packages: [...CORE_PACKAGES, 'node:*'],
  },
  {
    path: 'src/platform/jsonld',
    layer: 'platform',
    imports: ['core', 'platform'],
    packages: [...CORE_PACKAGES, 'jsonld'],
  },
  {
    path: 'src/platform/*',
    layer: 'platform',
    imports: ['core', 'platform'],
    packages: PLATFORM_PACKAGES,
  },
  // Service → service edges, each on purpose: a new one is added here, not discovered.
  service('ledger', []),
  service('witness', []),
  service('surveillance', ['ledger']),
  service('staff', ['ledger']),
  service('credentials', ['ledger', 'surveillance']),
  service('exposure', ['ledger', 'surveillance']),
  service('trust', ['ledger', 'credentials']),
  service('shl', ['credentials', 'trust']),
  service('publish', ['ledger']),
  tool('audit', []),
  tool('monitor', ['audit']),
  {
    path: 'src/http/routes',
    layer: 'http',
    unit: 'src/http',
    imports: ['core', 'platform', 'services'],
    packages: HTTP_PACKAGES,
    forbid: {
      rule: 'route-db',
      units: ['src/platform/db'],
      packages: ['drizzle-orm', 'postgres', '@electric-sql/*'],
      why: 'a route parses input, calls a service and responds; queries live in a service or platform',
    },
  },
  {
    path: 'src/http',
    layer: 'http',
    imports: ['core', 'platform', 'services'],
    packages: HTTP_PACKAGES,
    // src/entry mounts the app from its files (createApp, the witness app, problem+json).
    entered: 'any',
  },
  {
    path: 'src/entry',
    layer: 'entry',
    imports: ['core', 'platform', 'services', 'tools', 'http'],
    packages: ['*'],
    files: ['package.json'],
  },
  {
    path: 'web/src',
    layer: 'web',
    imports: ['core'],
    packages: [...CORE_PACKAGES, 'jsqr', 'chart.js', '@simplewebauthn/browser'],
    browser: true,
  },
]

/** The row covering a repository-relative path, and the unit that path belongs to. */
export function placeOf(path: string): { row: Row; unit: string } | undefined {
  for (const row of LAYERS) {
    if (row.path.endsWith('/*')) {
      const base = row.path.slice(0, -1)
      if (!path.startsWith(base)) continue
      const rest = path.slice(base.length).split('/')
      // A folder below the base (a file directly in it is no unit of this row).
      if (rest.length < 2 || rest[0] === '') continue
      return { row, unit: base + rest[0] }
    }
    if (path === row.path || path.startsWith(`${row.path}/`)) {
      return { row, unit: row.unit ?? row.path }
    }
  }
  return undefined
}

export interface Violation {
  rule: Rule
  file: string
  spec?: string
  message: string
}

/** The package an import specifier names: `@scope/name`, `name`, or `node:x`. */
function packageOf(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
}

function packageMatches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    p === '*'
      ? true
      : p === 'node:*'
        ? name.startsWith('node:')
        : p.endsWith('/*')
          ? name.startsWith(p.slice(0, -1))
          : name === p,
  )
}

/** The unit's own entry point, as a relative import may name it. */
function isIndex(target: string, unit: string): boolean {
  // A one-file unit (src/core/errors.ts) is its own entry point.
  return target === unit || target === `${unit}/index.ts` || target === `${unit}/index`
}

/**
 * Blanks comments, and in a second copy also the bodies of strings, template literals and
 * regular expressions, keeping every offset: imports are found in code, never in prose or in
 * a page's markup, and their specifiers are read back from the first copy.
 */
export function scan(text: string): { code: string; bare: string } {
  const code = text.split('')
  const bare = text.split('')
  const blank = (out: string[], i: number) => {
    if (out[i] !== '\n') out[i] = ' '
  }
  // Brace depth per open `${`: a template literal resumes when its depth returns to zero.
  const templates: number[] = []
  let prev = '' // last significant character outside comments, to tell a regex from a division
  let i = 0
  const n = text.length
  const readTemplate = () => {
    // i is just after a backtick or a closing brace of `${…}`
    while (i < n) {
      const c = text[i]
      if (c === '\\') {
        blank(bare, i)
        blank(bare, i + 1)
        i += 2
      } else if (c === '`') {
        i++
        prev = '`'
        return
      } else if (c === '$' && text[i + 1] === '{') {
        templates.push(0)
        i += 2
        prev = '{'
        return
      } else {
        blank(bare, i)
        i++
      }
    }
  }
  while (i < n) {
    const c = text[i] as string
    const next = text[i + 1]
    if (c === '/' && next === '/') {
      while (i < n && text[i] !== '\n') {
        blank(code, i)
        blank(bare, i)
        i++
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      for (; i < stop; i++) {
        blank(code, i)
        blank(bare, i)
      }
    } else if (c === "'" || c === '"') {
      i++
      while (i < n && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') blank(bare, i++)
        blank(bare, i++)
      }
      i++
      prev = c
    } else if (c === '`') {
      i++
      readTemplate()
    } else if (c === '{' && templates.length > 0) {
      templates[templates.length - 1] = (templates.at(-1) as number) + 1
      prev = c
      i++
    } else if (c === '}' && templates.length > 0 && templates.at(-1) === 0) {
      templates.pop()
      i++
      readTemplate()
    } else if (c === '}' && templates.length > 0) {
      templates[templates.length - 1] = (templates.at(-1) as number) - 1
      prev = c
      i++
    } else if (c === '/' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev))) {
      // A regular expression literal: skip to its closing slash (not one inside a class).
      i++
      let inClass = false
      while (i < n && text[i] !== '\n') {
        const r = text[i]
        if (r === '\\') {
          blank(bare, i++)
        } else if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '/' && !inClass) break
        blank(bare, i++)
      }
      i++
      prev = '/'
    } else {
      if (!/\s/.test(c)) prev = /[\w$)\]]/.test(c) ? 'a' : c
      // A keyword before a slash starts a regex (`return /x/`); an identifier divides.
      if (/\w/.test(c)) {
        const word = /^\w+/.exec(text.slice(i))?.[0] ?? c
        if (['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void'].includes(word)) {
          prev = '('
        }
        i += word.length
        continue
      }
      i++
    }
  }
  return { code: code.join(''), bare: bare.join('') }
}

/** Every module specifier a file imports: static, re-exported, side-effect and dynamic. */
export function importsOf(text: string): string[] {
  const { code, bare } = scan(text)
  const specs: { at: number; spec: string }[] = []
  const readAt = (quoteAt: number) => {
    const quote = code[quoteAt] as string
    const end = code.indexOf(quote, quoteAt + 1)
    specs.push({ at: quoteAt, spec: code.slice(quoteAt + 1, end) })
  }
  const patterns = [
    /^[ \t]*(?:import|export)\b[^'"`]*?\bfrom\s*(['"])/gm,
    /^[ \t]*import\s*(['"])/gm,
    /\bimport\s*\(\s*(['"])/g,
  ]
  for (const re of patterns) {
    for (const m of bare.matchAll(re)) readAt((m.index as number) + m[0].length - 1)
  }
  return specs.sort((a, b) => a.at - b.at).map((s) => s.spec)
}

/**
 * The violations of one file, given its repository-relative path and its text. A text that
 * is not TypeScript (a style sheet) is only checked for being covered by a row.
 */
export function checkFile(file: string, text: string): Violation[] {
  const out: Violation[] = []
  const fail = (rule: Rule, message: string, spec?: string) =>
    out.push({
      rule,
      file,
      ...(spec === undefined ? {} : { spec }),
      message: `[${rule}] ${file}: ${message}`,
    })
  const here = placeOf(file)
  if (here === undefined) {
    fail('unmapped', 'no row of the layer table covers this path; add one on purpose')
    return out
  }
  if (!/\.tsx?$/.test(file)) return out
  const { row, unit } = here
  for (const spec of importsOf(text)) {
    const violation = checkImport(row, unit, file, spec)
    if (violation !== undefined) fail(violation[0], violation[1], spec)
  }
  if (row.browser === true) {
    const m = /\bprocess\.env\b|\bBuffer\b|\brequire\s*\(/.exec(scan(text).bare)
    if (m !== null) {
      fail('node-global', `uses ${m[0].trim()}, which browsers and workerd do not have`)
    }
  }
  return out
}

function checkImport(
  row: Row,
  unit: string,
  file: string,
  spec: string,
): [Rule, string] | undefined {
  const quoted = `'${spec}'`
  if (!spec.startsWith('.')) {
    const name = packageOf(spec)
    if (row.forbid !== undefined && packageMatches(name, row.forbid.packages)) {
      return [row.forbid.rule, `${quoted}: ${row.forbid.why}`]
    }
    if (!packageMatches(name, row.packages)) {
      return ['package', `${quoted}: ${row.path} (${row.layer}) may not import the package ${name}`]
    }
    return undefined
  }
  const target = posix.normalize(posix.join(posix.dirname(file), spec))
  if (row.files?.includes(target)) return undefined
  const there = placeOf(target)
  if (there === undefined) {
    return ['outside', `${quoted} lands in ${target}, outside every unit of the layer table`]
  }
  if (there.unit === unit) return undefined
  if (row.forbid?.units.includes(there.unit)) {
    return [row.forbid.rule, `${quoted}: ${row.forbid.why}`]
  }
  const peer = there.row.layer === row.layer && row.layer !== 'core' && row.layer !== 'platform'
  if (peer && !row.edges?.includes(there.unit)) {
    return ['edge', `${quoted}: ${unit} → ${there.unit} is not an edge of the layer table`]
  }
  if (!peer && !row.imports.includes(there.row.layer)) {
    return [
      'layer',
      `${quoted}: ${row.layer} (${unit}) may not import ${there.row.layer} (${there.unit})`,
    ]
  }
  if ((there.row.entered ?? 'index') === 'index' && !isIndex(target, there.unit)) {
    return ['index', `${quoted} reaches into ${there.unit}; import ${there.unit}/index.ts instead`]
  }
  return undefined
}
