/** Builds web/dist once before any test that serves pages (npm start would, but not in parallel). */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export default async function setup(): Promise<void> {
  const dist = fileURLToPath(new URL('../web/dist/index.html', import.meta.url))
  if (existsSync(dist)) return
  const { build } = await import('vite')
  await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
}
