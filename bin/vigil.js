#!/usr/bin/env node
// Runs the built JavaScript (dist/vigil.js, rebuilt from src/ when a source is newer: bin/build.js),
// so a start costs no TypeScript transpiling; falls back to the sources through tsx.
import { setFlagsFromString } from 'node:v8'
import { ensureBundle } from './build.js'

// A one-shot command on the embedded database runs PGlite's WebAssembly for well under a second:
// V8 optimising its hot functions in the background (TurboFan tier-up) then only competes for
// the cores. Raising the tier-up budget before PGlite compiles keeps it on the baseline code:
// `vigil identity show` 850 → 650 ms here. Servers and commands that may run for minutes (a bulk
// import, a whole-log audit) keep V8's default: without tier-up PGlite's queries ran about 14 %
// slower once warm (docs/PERFORMANCE.md).
const LONG_RUNNING = new Set(['serve', 'witness', 'monitor', 'import', 'audit'])
if (!LONG_RUNNING.has(process.argv[2] ?? '')) setFlagsFromString('--wasm-tiering-budget=1000000000')

const bundle = await ensureBundle()
if (bundle !== undefined) {
  const { run } = await import(new URL(`file://${bundle}`).href)
  await run()
} else {
  const { register } = await import('tsx/esm/api')
  register()
  const { run } = await import('../src/entry/cli.ts')
  await run()
}
