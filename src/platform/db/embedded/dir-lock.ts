/**
 * @module platform/db/embedded/dir-lock
 * Who may open an embedded database directory: one process at a time, the host. On Linux the
 * lock is a listening socket in the abstract namespace (unix(7)): binding is atomic, and the
 * kernel releases it when the process dies however it dies, so a SIGKILL leaves no stale lock.
 * Elsewhere a pid file created with O_EXCL, taken over only when its process is gone.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'

export interface DirLock {
  release(): Promise<void>
}

/** Takes the lock on `dataDir` (which must exist), or returns undefined if another holds it. */
export function tryLockDir(dataDir: string): Promise<DirLock | undefined> {
  return process.platform === 'linux'
    ? tryAbstractLock(dataDir)
    : Promise.resolve(tryPidLock(dataDir))
}

function lockName(dataDir: string): string {
  const digest = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 32)
  return `\0vigil-db-${digest}`
}

function tryAbstractLock(dataDir: string): Promise<DirLock | undefined> {
  const server: Server = createServer((socket) => socket.destroy())
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined)
      else reject(err)
    })
    server.listen({ path: lockName(dataDir) }, () => {
      server.unref()
      resolve({ release: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

function tryPidLock(dataDir: string): DirLock | undefined {
  const path = join(dataDir, 'db.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return {
        release: async () => {
          try {
            unlinkSync(path)
          } catch {}
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (alive(Number(readFileSync(path, 'utf8')))) return undefined
      try {
        unlinkSync(path)
      } catch {}
    }
  }
  return undefined
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
