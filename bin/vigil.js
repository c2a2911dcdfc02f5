#!/usr/bin/env node
// Runs the built JavaScript (dist/vigil.js, rebuilt from src/ when a source is newer: bin/build.js),
// so a start costs no TypeScript transpiling; falls back to the sources through tsx.
import { setFlagsFromString } from 'node:v8'
import { ensureBundle } from './build.js'

// V8's WebAssembly tier-up budget, set before PGlite compiles (docs/PERFORMANCE.md, "WebAssembly
// tier-up"). V8 optimises a WebAssembly function on background threads once it has run through
// its budget (1.8 million by default). Starting PGlite runs hundreds of functions past that once,
// and on two cores the optimising competes with the start itself, or the main thread waits for it
// (node's DrainTasks): `vigil serve` took 1.74× a bare Hono + PGlite start with V8's default.
// - One-shot commands run PGlite for well under a second: a budget no function reaches.
// - `vigil serve`: 100 million, so only functions that stay hot get optimised: start 1.46× in
//   the same runs, PGlite's queries about 4 % slower once warm (1 billion: 1.25×, but 9–14 %).
// - Commands that may run for minutes (a bulk import, a whole-log audit, a witness or monitor)
//   keep V8's default.
const TIERING_BUDGET = {
  serve: 100_000_000,
  witness: undefined,
  monitor: undefined,
  import: undefined,
  audit: undefined,
}
const command = process.argv[2] ?? ''
const budget = Object.hasOwn(TIERING_BUDGET, command) ? TIERING_BUDGET[command] : 1_000_000_000
if (budget !== undefined) setFlagsFromString(`--wasm-tiering-budget=${budget}`)

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
