/**
 * The master key that seals keys at rest. Production sets VIGIL_MASTER_KEY; a newcomer gets a
 * development key generated once in the data directory (mode 0600) and a warning at every start.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../platform/config/index.ts'
import type { Logger } from '../platform/context/index.ts'

export function resolveMasterKey(config: Config, logger: Logger): Uint8Array {
  if (config.masterKey !== undefined) return config.masterKey
  mkdirSync(config.dataDir, { recursive: true })
  const path = join(config.dataDir, 'master.key')
  if (!existsSync(path)) {
    const key = crypto.getRandomValues(new Uint8Array(32))
    writeFileSync(path, `${Buffer.from(key).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  }
  chmodSync(path, 0o600)
  logger.warn(
    `using a DEVELOPMENT master key from ${path}; keys generated under it are development keys. Set VIGIL_MASTER_KEY (32 bytes, base64) in production.`,
  )
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`)
  return new Uint8Array(key)
}
