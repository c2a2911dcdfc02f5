/**
 * @module platform/db/embedded/host
 * The process that holds the directory lock opens PGlite on it, applies migrations, and serves
 * it to the deployment's other local processes over the Postgres wire protocol on a Unix socket
 * that only the owner can reach (mode 0600 in a 0700 directory). It uses the socket itself too,
 * so its own queries take turns with everyone else's (session-queue.ts).
 */
import { chmodSync, existsSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket'
import { drizzle } from 'drizzle-orm/pglite'
import { HOST_FILE } from './paths.ts'
import { SessionQueue } from './session-queue.ts'

/** What `db.host.json` says about the process serving the directory. */
export interface HostInfo {
  pid: number
  /** `vigil serve`, or the command holding the directory (`vigil tokens create`, …). */
  label: string
  role: 'serve' | 'command'
  startedAt: string
}

export interface EmbeddedHost {
  /** Stops accepting, waits up to `graceMs` for connected clients, then closes PGlite. */
  close(graceMs: number): Promise<void>
}

export async function hostEmbedded(
  dataDir: string,
  socketPath: string,
  info: HostInfo,
  migrationsFolder: string,
): Promise<EmbeddedHost> {
  // Named at once, so a process that waits while PGlite opens and migrates can say for whom.
  const infoPath = join(dataDir, HOST_FILE)
  writeFileSync(infoPath, `${JSON.stringify(info)}\n`, { mode: 0o600 })
  const pglite = new PGlite(join(dataDir, 'db'))
  await pglite.waitReady
  try {
    // Before anyone connects: nothing can race the migrator.
    const { migrate } = await import('drizzle-orm/pglite/migrator')
    await migrate(drizzle(pglite), { migrationsFolder })
  } catch (err) {
    await pglite.close()
    rmSync(infoPath, { force: true })
    throw err
  }
  const queue = new SessionQueue(pglite)
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    // The handler's type names the library's own queue class; ours has the same methods.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true })
    handler.attach(socket).catch(() => socket.destroy())
  })
  // Owner only: the directory first (it also holds the development master key), then the socket.
  chmodSync(dataDir, 0o700)
  if (existsSync(socketPath)) unlinkSync(socketPath) // left by a host that died: we hold the lock
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ path: socketPath }, () => resolve())
  })
  chmodSync(socketPath, 0o600)

  return {
    async close(graceMs) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        const deadline = Date.now() + graceMs
        const poll = setInterval(() => {
          if (sockets.size > 0 && Date.now() < deadline) return
          clearInterval(poll)
          for (const socket of sockets) socket.destroy()
        }, 25)
      })
      queue.close()
      await pglite.close()
      rmSync(infoPath, { force: true })
    },
  }
}
