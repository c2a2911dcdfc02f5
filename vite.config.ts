import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const web = (p: string) => fileURLToPath(new URL(`./web/${p}`, import.meta.url))

// Multi-page build: each page is an HTML entry; pages import src/core as is (docs/ARCHITECTURE.md).
export default defineConfig({
  root: web(''),
  publicDir: web('public'),
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
      },
    },
  },
})
