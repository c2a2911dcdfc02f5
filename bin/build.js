/**
 * Builds `dist/vigil.js`, the CLI and server as one JavaScript module (issue 23): `vigil` starts
 * from it rather than transpiling TypeScript with tsx on every start. Built on first start, and
 * again whenever a file under src/ (or package.json) is newer than it; `npm run build` does it
 * by hand. The packages go into the bundle too, except PGlite (it finds its WebAssembly next to
 * its own module) and tools loaded on demand. esbuild is the tool tsx and Vite already use.
 */
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const BUNDLE = join(ROOT, 'dist', 'vigil.js')
const SOURCES = [join(ROOT, 'src'), join(ROOT, 'package.json')]

/** The newest modification time among the sources (ms). */
function newestSource() {
  let newest = 0
  for (const path of SOURCES) {
    const top = statSync(path)
    newest = Math.max(newest, top.mtimeMs)
    if (!top.isDirectory()) continue
    for (const name of readdirSync(path, { recursive: true })) {
      newest = Math.max(newest, statSync(join(path, String(name))).mtimeMs)
    }
  }
  return newest
}

/** Whether dist/vigil.js is missing or older than a source. */
export function bundleIsStale() {
  let built
  try {
    built = statSync(BUNDLE).mtimeMs
  } catch {
    return true
  }
  return newestSource() > built
}

/**
 * Each source file's `import.meta.url` is its own path, not the bundle's: the code finds
 * package.json, migrations/ and web/dist relative to where it lives in src/.
 */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises')
      const text = await readFile(args.path, 'utf8')
      if (!text.includes('import.meta.url')) return undefined
      const from = relative(dirname(BUNDLE), args.path).split('\\').join('/')
      const url = `new URL(${JSON.stringify(from)}, import.meta.url).href`
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' }
    })
  },
}

const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@electric-sql/pglite-socket',
  'esbuild',
  'vite',
  'tsx',
  'tsx/*',
  'jsonld',
]

/** Builds dist/vigil.js (written beside, then renamed: concurrent starts never see half a file). */
export async function buildBundle() {
  const { build, stop } = await import('esbuild')
  mkdirSync(dirname(BUNDLE), { recursive: true })
  const temporary = `${BUNDLE}.${process.pid}.tmp`
  await build({
    entryPoints: [join(ROOT, 'src', 'entry', 'cli.ts')],
    outfile: temporary,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The packages are bundled too (resolving and loading hundreds of files from node_modules
    // was about half a second of each start), except those that find files beside their own
    // module (PGlite's WebAssembly and data) or are tools loaded on demand.
    external: EXTERNAL,
    // CommonJS packages inside an ES module call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __vigilRequire } from 'node:module'; const require = __vigilRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'error',
    plugins: [ownUrls],
  }).finally(() => stop()) // no esbuild service left running beside the server
  renameSync(`${temporary}.map`, `${BUNDLE}.map`)
  renameSync(temporary, BUNDLE)
}

/** dist/vigil.js, built first when missing or stale; undefined when it cannot be built. */
export async function ensureBundle() {
  if (!bundleIsStale()) return BUNDLE
  try {
    await buildBundle()
    return BUNDLE
  } catch (err) {
    process.stderr.write(
      `vigil: could not build dist/vigil.js (${err?.message ?? err}); running the TypeScript sources\n`,
    )
    return undefined
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildBundle()
  process.stdout.write(`built ${relative(process.cwd(), BUNDLE)}\n`)
}
