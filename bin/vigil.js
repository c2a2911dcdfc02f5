#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a clone and `vigil`.
import { register } from 'tsx/esm/api'

register()
const { run } = await import('../src/entry/cli.ts')
await run()
