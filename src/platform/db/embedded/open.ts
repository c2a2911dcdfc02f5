/**
 * @module platform/db/embedded/open
 * Opening the embedded database of a data directory from any local process: join the process
 * that serves it, or take the directory lock and serve it, or wait for whoever holds it. Nothing
 * ever writes to a copy of the directory that another process will overwrite.
 *
 * - A command (`vigil tokens create`, `vigil demo`, …) joins a running server or command at
 *   once; with nobody there it becomes the host for as long as it runs.
 * - `vigil serve` never joins another process (its connection would end with that process): it
 *   waits for a command that holds the directory to finish, and refuses at once when another
 *   `vigil serve` is serving it.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Database } from '../client.ts'
import { createPostgresDb } from '../postgres.ts'
import { alive, tryLockDir } from './dir-lock.ts'
import type { HostInfo } from './host.ts'
import { HOST_FILE, socketPathFor } from './paths.ts'

export interface OpenEmbeddedOptions {
  dataDir: string
  role: HostInfo['role']
  /** How this process is named to others that wait for it (`vigil serve`, `vigil demo`, …). */
  label: string
  migrationsFolder: string
  /** How long to wait for another process to let go of the directory. */
  waitMs: number
  /** Told once when this process has to wait, naming who it waits for. */
  onWait?: (message: string) => void
  /** Connections this process opens to the socket. */
  max?: number
}

/** The directory is held by someone this process will not or cannot wait for. */
export class EmbeddedBusyError extends Error {
  override readonly name = 'EmbeddedBusyError'
}

/** How long a host waits for other clients to disconnect when it closes. */
const CLOSE_GRACE_MS = { serve: 10_000, command: 120_000 }

export async function openEmbedded(options: OpenEmbeddedOptions): Promise<Database> {
  const dataDir = realpathSync(options.dataDir)
  const digest = createHash('sha256').update(dataDir).digest('hex')
  const socketPath = socketPathFor(dataDir, digest, tmpdir())
  const deadline = Date.now() + options.waitMs
  let told = false
  for (;;) {
    if (options.role === 'command' && (await reachable(socketPath)))
      return client(socketPath, options.max ?? 2, async () => {})
    const lock = await tryLockDir(dataDir)
    if (lock !== undefined) {
      try {
        const info: HostInfo = {
          pid: process.pid,
          label: options.label,
          role: options.role,
          startedAt: new Date().toISOString(),
        }
        // Loaded only by the host: a client never needs PGlite itself.
        const { hostEmbedded } = await import('./host.ts')
        const host = await hostEmbedded(dataDir, socketPath, info, options.migrationsFolder)
        return client(socketPath, options.max ?? 4, async () => {
          await host.close(CLOSE_GRACE_MS[options.role])
          await lock.release()
        })
      } catch (err) {
        await lock.release()
        throw err
      }
    }
    const holder = readHost(dataDir)
    const who = holder === undefined ? 'another process' : `${holder.label} (pid ${holder.pid})`
    if (options.role === 'serve' && holder?.role === 'serve' && alive(holder.pid))
      throw new EmbeddedBusyError(
        `${who} is already serving ${dataDir}; stop it first, or use DATABASE_URL (Postgres) to run several servers`,
      )
    if (Date.now() >= deadline)
      throw new EmbeddedBusyError(
        `${who} still holds ${dataDir} after ${Math.round(options.waitMs / 1000)} s; try again when it has finished`,
      )
    if (!told) {
      told = true
      options.onWait?.(`waiting for ${who} to finish with ${dataDir}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A postgres.js client of the host's socket, with the same guards as for Postgres. */
function client(socketPath: string, max: number, after: () => Promise<void>): Database {
  const connection = createPostgresDb({ socket: socketPath }, max)
  return {
    db: connection.db,
    kind: 'pglite',
    migrated: true,
    async close() {
      await connection.close()
      await after()
    },
  }
}

function reachable(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false)
  return new Promise((resolve) => {
    const socket = connect({ path })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.setTimeout(2000, () => done(false))
  })
}

function readHost(dataDir: string): HostInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, HOST_FILE), 'utf8')) as HostInfo
  } catch {
    return undefined
  }
}
