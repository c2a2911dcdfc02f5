import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { releasePlugin } from './web/build/release.ts'

const web = (p: string) => fileURLToPath(new URL(`./web/${p}`, import.meta.url))

const BUILD_SLOT = 'VIGIL_BUILD_ID'

/**
 * The verifier's service worker (web/src/sw/sw.ts) is built as /sw.js, at the site root (a
 * worker's scope cannot exceed its path). Its BUILD_SLOT becomes a digest of every other file
 * of the build, so a change to any page changes the worker's bytes and browsers install it
 * again (and it proves the new release before it activates, docs/RELEASES.md).
 */
function serviceWorkerBuildId(): Plugin {
  return {
    name: 'vigil:sw-build-id',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const worker = bundle['sw.js']
        if (worker?.type !== 'chunk') throw new Error('the build has no sw.js chunk')
        const digest = createHash('sha256')
        for (const name of Object.keys(bundle).sort()) {
          const item = bundle[name]
          if (item === undefined || name === 'sw.js') continue
          digest.update(name).update(item.type === 'chunk' ? item.code : item.source)
        }
        if (!worker.code.includes(BUILD_SLOT)) throw new Error(`sw.js lost its ${BUILD_SLOT}`)
        worker.code = worker.code.replace(BUILD_SLOT, digest.digest('hex').slice(0, 32))
      },
    },
  }
}

// Multi-page build: each page is an HTML entry; pages import src/core as is (docs/ARCHITECTURE.md).
export default defineConfig({
  root: web(''),
  publicDir: web('public'),
  // SRI and the manifest last: they hash the final bytes (web/build/release.ts).
  plugins: [serviceWorkerBuildId(), releasePlugin()],
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
        sw: web('src/sw/sw.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
})
