import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { releasePlugin } from './web/build/release.ts'

const web = (p: string) => fileURLToPath(new URL(`./web/${p}`, import.meta.url))

const ASSET_REF = /assets\/[A-Za-z0-9_.-]+/g
const PRECACHE_SLOT = /const PRECACHE = \[[^\]]*\]/

/**
 * Every file /verify needs offline, QR worker included: the page's HTML, then each built file
 * it names, transitively (scripts name their chunks, workers and styles by path; styles name
 * fonts and images). The list replaces `const PRECACHE = []` in the service worker, so each
 * build's hashed names are precached on install and a new build installs a new worker.
 */
function verifyPrecache(): Plugin {
  let files: string[] = []
  let outDir = ''
  return {
    name: 'vigil:verify-precache',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    // After vite:build-html has emitted the pages.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const text = (name: string): string => {
          const item = bundle[name]
          if (item === undefined) return ''
          if (item.type === 'chunk') return item.code
          return typeof item.source === 'string'
            ? item.source
            : new TextDecoder().decode(item.source)
        }
        const seen = new Set<string>()
        const queue = ['verify.html']
        while (queue.length > 0) {
          for (const ref of text(queue.pop() as string).match(ASSET_REF) ?? []) {
            if (!seen.has(ref) && ref in bundle) {
              seen.add(ref)
              queue.push(ref)
            }
          }
        }
        files = [...seen].sort().map((f) => `/${f}`)
      },
    },
    writeBundle() {
      const sw = join(outDir, 'sw.js')
      const source = readFileSync(sw, 'utf8')
      if (!PRECACHE_SLOT.test(source)) throw new Error('sw.js has no `const PRECACHE = []`')
      writeFileSync(sw, source.replace(PRECACHE_SLOT, `const PRECACHE = ${JSON.stringify(files)}`))
    },
  }
}

// Multi-page build: each page is an HTML entry; pages import src/core as is (docs/ARCHITECTURE.md).
export default defineConfig({
  root: web(''),
  publicDir: web('public'),
  plugins: [verifyPrecache(), releasePlugin()],
  build: {
    outDir: web('dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: web('index.html'),
        log: web('log.html'),
        verify: web('verify.html'),
        passport: web('passport.html'),
        signin: web('signin.html'),
        enrol: web('enrol.html'),
        console: web('console.html'),
        admin: web('admin.html'),
        report: web('report.html'),
        tracer: web('tracer.html'),
        dashboard: web('dashboard.html'),
        stats: web('stats.html'),
        issuer: web('issuer.html'),
      },
    },
  },
})
