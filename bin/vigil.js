#!/usr/bin/env node
// Runs the built JavaScript (dist/vigil.js, rebuilt from src/ when a source is newer: bin/build.js),
// so a start costs no TypeScript transpiling; falls back to the sources through tsx.
import { ensureBundle } from './build.js'

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
