/**
 * @module entry/commands/witness
 * `vigil witness`: the same program in witness mode (docs/WITNESSES.md). Its own Ed25519
 * cosigner key (`<data>/witness.key`, created on first start, mode 0600), its own database
 * (PGlite in `<data>/db`, or Postgres with DATABASE_URL, the same migrations as the service)
 * and a small HTTP app. Prints its vkey at start and any evidence of an inconsistent log (its
 * --help text is in cli.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import {
  createCosigner,
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
} from '../../core/note/index.ts'
import { createWitnessApp } from '../../http/witness-app.ts'
import { jsonLogger, systemClock, systemRandom } from '../../platform/context/index.ts'
import { createDb, migrate } from '../../platform/db/index.ts'
import { type FollowedLog, Witness } from '../../services/witness/index.ts'
import { VERSION } from '../runtime.ts'

function parseLog(spec: string): FollowedLog {
  const parts = spec.trim().split(/\s+/)
  const vkey = parts.at(-1) ?? ''
  const key = parseVerifierKey(vkey)
  const origin = parts.length > 1 ? (parts[0] as string) : key.name
  if (parts.length > 2) throw new Error(`--log "${spec}": expected "<origin> <vkey>"`)
  return { origin, vkeys: [vkey] }
}

/** Merges specs naming one origin into one log with several keys. */
export function parseLogs(specs: readonly string[]): FollowedLog[] {
  const byOrigin = new Map<string, string[]>()
  for (const spec of specs) {
    const log = parseLog(spec)
    byOrigin.set(log.origin, [...(byOrigin.get(log.origin) ?? []), ...log.vkeys])
  }
  return [...byOrigin].map(([origin, vkeys]) => ({ origin, vkeys }))
}

/** Loads the cosigner key from the data directory, creating it on first start. */
async function loadKey(dir: string, name: string | undefined) {
  const file = join(dir, 'witness.key')
  if (existsSync(file)) {
    const key = await parseSignerKey(readFileSync(file, 'utf8').trim())
    if (key.type !== SIG_COSIGNATURE_V1) throw new Error(`${file} is not a cosigner (0x04) key`)
    if (name !== undefined && name !== key.name)
      throw new Error(`${file} holds the key of ${key.name}, not ${name}`)
    return { key, created: false }
  }
  const key = await generateSignerKey(
    name ?? `${hostname()}/witness`,
    systemRandom,
    SIG_COSIGNATURE_V1,
  )
  writeFileSync(file, `${key.skey}\n`, { mode: 0o600, flag: 'wx' })
  return { key, created: true }
}

export async function runWitness(args: string[]): Promise<number | undefined> {
  const { values } = parseArgs({
    args,
    options: {
      log: { type: 'string', multiple: true },
      logs: { type: 'string' },
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  })
  const env = process.env
  const logger = jsonLogger((env.VIGIL_LOG_LEVEL as 'info' | undefined) ?? 'info', (line) =>
    process.stderr.write(`${line}\n`),
  )
  let logs: FollowedLog[]
  let port: number
  try {
    const specs = [...(values.log ?? [])]
    if (values.logs !== undefined)
      for (const line of readFileSync(values.logs, 'utf8').split('\n'))
        if (line.trim() !== '' && !line.trim().startsWith('#')) specs.push(line)
    if (specs.length === 0) throw new Error('name at least one log with --log or --logs')
    logs = parseLogs(specs)
    port = Number(values.port ?? 8788)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error('--port must be 1-65535')
  } catch (err) {
    console.error(`vigil witness: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }
  const dir = values.data ?? './.vigil-witness'
  mkdirSync(dir, { recursive: true })
  const { key, created } = await loadKey(dir, values.name)
  const vkey = formatVerifierKey(key)
  const database =
    env.DATABASE_URL === undefined || env.DATABASE_URL === ''
      ? await createDb({ kind: 'pglite', dataDir: join(dir, 'db') })
      : await createDb({ kind: 'postgres', url: env.DATABASE_URL })
  await migrate(database)
  const witness = await Witness.open({
    db: database.db,
    cosigner: await createCosigner(key),
    vkey,
    logs,
    clock: systemClock,
    logger,
    onEvidence: (e) =>
      process.stderr.write(
        `EVIDENCE: ${e.origin} signed two inconsistent checkpoints (${e.reason}: ${e.message})\n` +
          `--- cosigned (size ${e.oldSize})\n${e.oldNote}--- refused\n${e.newNote}--- proof\n${e.proof.join('\n')}\n`,
      ),
  })
  if (created) logger.warn(`generated a new witness key in ${join(dir, 'witness.key')}`)
  process.stdout.write(`witness ${witness.name} vkey ${vkey}\n`)
  for (const e of await witness.evidence())
    process.stderr.write(`EVIDENCE on file: ${e.origin} (${e.reason}) at ${e.observedAt}\n`)
  const app = createWitnessApp(witness, VERSION)
  const host = values.host ?? '127.0.0.1'
  const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
    logger.info(
      `witness ${witness.name} listening on ${info.address}:${info.port} for ${logs.map((l) => l.origin).join(', ')} (database: ${database.kind})`,
    )
  })
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.close(async () => {
      await database.close()
      process.exit(0)
    })
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return undefined
}
