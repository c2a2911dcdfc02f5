/** `npm run soak -- cli-beside`: 50 token creations and 50 imports beside 5 server restarts. */
import { runCliBeside } from './cli-beside.ts'

export async function run(): Promise<void> {
  const report = await runCliBeside({ tokens: 50, imports: 50, restarts: 5, parallel: 4 })
  console.log(
    JSON.stringify({
      soak: 'cli-beside',
      loadAvg1m: (await import('node:os')).loadavg()[0],
      ...report,
    }),
  )
  if (
    report.tokens.lost +
      report.imports.lost +
      report.tokens.duplicated +
      report.imports.duplicated >
    0
  )
    process.exitCode = 1
}
