/**
 * `npm run soak -- crash`: 30 connection cuts, 3 database outages and 20 SIGKILLs of a real
 * `vigil serve` on Postgres while four clients issue credentials (driver: ./crash.ts).
 * Needs TEST_DATABASE_URL (an admin URL; the campaign makes and drops its own database).
 */
import { readFileSync } from 'node:fs'
import { runCrash } from './crash.ts'

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

export async function run(): Promise<void> {
  const postgresUrl = process.env.TEST_DATABASE_URL
  if (postgresUrl === undefined) throw new Error('soak crash: set TEST_DATABASE_URL')
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const report = await runCrash({
    postgresUrl,
    cuts: 30,
    outages: 3,
    kills: 20,
    port: 24_610,
    proxyPort: 24_611,
    log: (line) => console.error(line),
  })
  const figures = {
    campaign: 'crash',
    load,
    cuts: report.cuts,
    outages: report.outages,
    kills: report.kills,
    requests: report.requests,
    acknowledged: report.acknowledged,
    statuses: report.statuses,
    unexpected: report.unexpected.length,
    exits: report.exits,
    lost: report.lost,
    recoveryMsP50: quantile(report.recoveryMs, 0.5),
    recoveryMsMax: Math.max(...report.recoveryMs),
    restartMsP50: quantile(report.restartMs, 0.5),
    restartMsMax: Math.max(...report.restartMs),
    readyDuringOutage: report.readyDuringOutage,
    readyAfterOutage: report.readyAfterOutage,
    seconds: report.seconds,
  }
  console.log(JSON.stringify(figures))
  for (const line of report.unexpected.slice(0, 10)) console.error(`unexpected: ${line}`)
  console.table({
    'connection cuts': report.cuts,
    'database outages': report.outages,
    'SIGKILLs + restarts': report.kills,
    'acknowledged (201)': report.acknowledged,
    '503 answers': report.statuses['503'] ?? 0,
    'other answers': report.unexpected.length,
    'unexpected exits': report.exits,
    'lost acknowledged': report.lost,
    'recovery p50 / max (ms)': `${figures.recoveryMsP50} / ${figures.recoveryMsMax}`,
    'restart to 201 p50 / max (ms)': `${figures.restartMsP50} / ${figures.restartMsMax}`,
  })
  if (report.exits > 0 || report.lost > 0 || report.unexpected.length > 0) process.exitCode = 1
}
