/** @module db/embedded/paths Where a data directory's host leaves its socket and its name. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/** The host's pid, role and label, for the processes that wait for it. */
export const HOST_FILE = 'db.host.json'

/** The socket's path: inside the data directory, unless that path is too long for sun_path. */
export function socketPathFor(dataDir: string, digest: string, tmp: string): string {
  const inside = join(dataDir, 'db.sock')
  // sun_path holds 108 bytes on Linux, 104 on macOS (unix(7)).
  if (Buffer.byteLength(inside) < 100) return inside
  const dir = join(tmp, `vigil-${process.getuid?.() ?? 'user'}-${digest.slice(0, 16)}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return join(dir, 'db.sock')
}
