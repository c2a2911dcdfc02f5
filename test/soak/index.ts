/**
 * `npm run soak`: the full reliability campaigns (docs/RELIABILITY.md). Each `*.soak.ts` file in
 * this folder exports `run(): Promise<void>` and prints a JSON line per figure; CI runs small
 * versions of the same drivers from test/reliability. `npm run soak -- NAME` runs one campaign.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv[2]
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.soak.ts'))
  .filter((f) => only === undefined || f === `${only}.soak.ts`)
  .sort()
if (files.length === 0) {
  console.error(`soak: no campaign ${only ?? ''} in ${dir}`)
  process.exit(2)
}
for (const file of files) {
  const started = performance.now()
  console.error(`==> soak ${file}`)
  const mod = (await import(new URL(file, import.meta.url).href)) as { run(): Promise<void> }
  await mod.run()
  console.error(`<== soak ${file}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}
