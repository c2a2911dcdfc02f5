/**
 * @module entry/commands/exposure
 * `vigil exposure export [--json]`: writes the signed export files for every closed window not
 * exported yet (`vigil serve` does it hourly) and appends their SHA-256 to the ledger. Exit 0 with
 * one line per file (nothing new is not an error), 2 when the export could not run.
 *
 * `vigil exposure cleanup [--json]`: deletes exposure data past retention (exposure/retention);
 * `vigil serve` runs it hourly after the export. Exit 0 with the counts, 2 when it could not run.
 *
 * `vigil exposure simulate [--phones N] [--days D] [--seed S] [--json]`: runs the simulator
 * (exposure/simulate) against the real app over a fresh in-memory PGlite with a simulated clock;
 * the configured database is not touched. Exit 0 when every exposed phone matched and no other
 * did, 1 otherwise, 2 on a usage error or a failed run.
 */
import { parseArgs } from 'node:util'
import type {
  IssuedCode,
  PublishResponse,
  VerificationCertificate,
  VerifiedCode,
} from '../../core/api-types/index.ts'
import { createApp } from '../../http/app.ts'
import { parseConfig } from '../../platform/config/index.ts'
import { jsonLogger, systemRandom } from '../../platform/context/index.ts'
import { createDb, migrate } from '../../platform/db/index.ts'
import { nodeGaenCrypto } from '../../platform/node-crypto/index.ts'
import {
  exportBatch,
  runExposureRetention,
  type SimTarget,
  simulate,
} from '../../services/exposure/index.ts'
import { createApiToken } from '../../services/staff/index.ts'
import { buildContext } from '../context.ts'
import { loadConfig, startRuntime } from '../runtime.ts'

export async function runExposureExport(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
  try {
    const files = await exportBatch(ctx)
    if (values.json) console.log(JSON.stringify(files, null, 2))
    else if (files.length === 0) console.log('no new exports')
    else
      for (const f of files)
        console.log(
          `${f.path} ${f.batchNum}/${f.batchSize} keys=${f.keyCount} sha256=${f.sha256} leaf=${f.leafIndex}`,
        )
    return 0
  } catch (err) {
    console.error(`vigil exposure export: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  } finally {
    await database.close()
  }
}

export async function runExposureCleanup(args: string[]): Promise<number> {
  let json = false
  try {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
    json = values.json === true
  } catch (err) {
    console.error(`vigil exposure cleanup: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }
  const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
  try {
    const deleted = await runExposureRetention(ctx)
    if (json) console.log(JSON.stringify(deleted))
    else
      console.log(
        `deleted: ${deleted.codes} codes, ${deleted.tokens} tokens, ${deleted.keys} keys, ${deleted.exports} export files`,
      )
    return 0
  } catch (err) {
    console.error(`vigil exposure cleanup: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  } finally {
    await database.close()
  }
}

const DAY_MS = 86_400_000

export async function runExposureSimulate(args: string[]): Promise<number> {
  let values: { phones?: string; days?: string; seed?: string; json?: boolean }
  try {
    ;({ values } = parseArgs({
      args,
      options: {
        phones: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }))
  } catch (err) {
    console.error(`vigil exposure simulate: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }
  const int = (v: string | undefined, d: number, min: number, max: number) => {
    const n = v === undefined ? d : Number(v)
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined
  }
  const phones = int(values.phones, 30, 2, 100_000)
  const days = int(values.days, 3, 1, 13)
  const seed = int(values.seed, 1, 0, 2 ** 32 - 1)
  if (phones === undefined || days === undefined || seed === undefined) {
    console.error(
      'vigil exposure simulate: --phones 2…100000, --days 1…13, --seed a 32-bit integer',
    )
    return 2
  }
  const startMs = Date.UTC(2026, 10, 20)
  const database = await createDb({ kind: 'pglite' })
  try {
    await migrate(database)
    const config = parseConfig({ PUBLIC_URL: 'http://localhost:8787', VIGIL_LOG_LEVEL: 'silent' })
    let now = startMs + days * DAY_MS
    const { ctx, ledger } = await buildContext({
      database,
      config,
      masterKey: systemRandom(32),
      logger: jsonLogger('silent'),
      // The simulated days run on their own clock.
      clock: { now: () => new Date(now) },
      keys: 'create',
      ledger: { kind: 'writer', options: { witnesses: false } },
    })
    if (ledger === undefined) throw new Error('the simulator writes its own log')
    const app = createApp({ ...ctx, version: 'simulate', ledger }, { accessLog: false })
    const { token } = await createApiToken(ctx, {
      name: 'simulator tracer',
      roles: ['tracer'],
      expiresAt: new Date(now + DAY_MS),
    })
    const target = httpSimTarget(app, {
      tracerToken: token,
      setNow: (ms) => {
        now = ms
      },
      exportNow: (ms) => exportBatch(ctx, { now: new Date(ms) }),
    })
    const report = await simulate(target, { phones, days, seed, startMs, crypto: nodeGaenCrypto })
    if (values.json) console.log(JSON.stringify(report, null, 2))
    else
      console.log(
        [
          `phones ${report.phones}, days ${report.days}, seed ${report.seed}: ${report.meetings} meetings, ${report.observations} RPIs observed`,
          `${report.positives} positive phones uploaded ${report.uploadedKeys} keys; ${report.exportFiles} export file(s), ${report.downloadedKeys} keys downloaded (with padding)`,
          `exposed ${report.exposed}: true matches ${report.truePositives}, missed ${report.missed}; false matches ${report.falsePositives}`,
          `${report.seconds.toFixed(2)} s`,
        ].join('\n'),
      )
    return report.missed === 0 && report.falsePositives === 0 ? 0 : 1
  } catch (err) {
    console.error(`vigil exposure simulate: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  } finally {
    await database.close()
  }
}

/**
 * The simulator's target over HTTP, through the app's own routes (no socket): a tracer's bearer
 * token for the codes, a phone's address as the connection's for the verification limit. Any
 * answer but a 2xx stops the run with the path, the status and the problem's code.
 */
export function httpSimTarget(
  app: Pick<ReturnType<typeof createApp>, 'request'>,
  parts: Pick<SimTarget, 'setNow' | 'exportNow'> & { tracerToken: string },
): SimTarget {
  const send = async (path: string, init: RequestInit = {}, address = '192.0.2.1') => {
    const r = await app.request(path, init, { incoming: { socket: { remoteAddress: address } } })
    if (!r.ok) {
      const problem = r.headers.get('content-type')?.includes('json')
        ? ((await r.json()) as { code?: string })
        : {}
      throw new Error(`${path}: HTTP ${r.status} ${problem.code ?? ''}`)
    }
    return r
  }
  const post = async <T>(
    path: string,
    body: unknown,
    from: { token?: string; address?: string },
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (from.token !== undefined) headers.authorization = `Bearer ${from.token}`
    const init = { method: 'POST', headers, body: JSON.stringify(body) }
    return (await (await send(path, init, from.address)).json()) as T
  }
  return {
    issueCode: (input) =>
      post<IssuedCode>('/api/exposure/codes', input, { token: parts.tracerToken }),
    verifyCode: ({ code, client }) =>
      post<VerifiedCode>('/api/exposure/verify', { code }, { address: client }),
    issueCertificate: (input) =>
      post<VerificationCertificate>('/api/exposure/certificate', input, {}),
    publish: (input) => post<PublishResponse>('/api/exposure/publish', input, {}),
    exportIndex: async () =>
      (await (await send('/exposure/index.txt')).text()).split('\n').filter(Boolean),
    exportFile: async (path) =>
      new Uint8Array(await (await send(`/exposure/${path}`)).arrayBuffer()),
    setNow: parts.setNow,
    exportNow: parts.exportNow,
  }
}
