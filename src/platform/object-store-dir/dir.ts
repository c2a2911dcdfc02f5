/**
 * @module platform/object-store-dir/dir
 * The published copy as files under one directory (Node), laid out so any static web server or
 * CDN serves it as is. A write goes to a temporary file in the same directory, is fsynced, then
 * renamed over the key (POSIX rename is atomic), and the directory is fsynced so the rename
 * itself survives a crash: a reader sees the old object or the new one, never part of one.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { checkKey, type ObjectStore, type PutOptions } from '../object-store/index.ts'

const isMissing = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === 'ENOENT'

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export function dirStore(root: string): ObjectStore {
  const pathOf = (key: string) => {
    checkKey(key)
    return join(root, key)
  }
  return {
    name: `dir ${root}`,
    async put(key: string, bytes: Uint8Array, _options: PutOptions) {
      const target = pathOf(key)
      const dir = dirname(target)
      await mkdir(dir, { recursive: true })
      const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`)
      const handle = await open(temp, 'wx', 0o644)
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } catch (e) {
        await handle.close()
        await rm(temp, { force: true })
        throw e
      }
      await handle.close()
      try {
        await rename(temp, target)
      } catch (e) {
        await rm(temp, { force: true })
        throw e
      }
      await fsyncDir(dir)
    },
    async get(key: string) {
      try {
        return new Uint8Array(await readFile(pathOf(key)))
      } catch (e) {
        if (isMissing(e)) return undefined
        throw e
      }
    },
    async head(key: string) {
      try {
        const s = await stat(pathOf(key))
        return s.isFile() ? { size: s.size } : undefined
      } catch (e) {
        if (isMissing(e)) return undefined
        throw e
      }
    },
  }
}
