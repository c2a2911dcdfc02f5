/**
 * Public known-answer vectors live in test/vectors, in the repository: only the files the tests
 * read, each folder's README naming its upstream source, commit and licence. A missing file
 * fails loudly rather than skipping, so a vector dropped by mistake cannot pass unnoticed.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url))

export function vectorPath(relative: string): string {
  const path = VECTORS_DIR + relative
  if (!existsSync(path)) throw new Error(`test vector missing: ${path}`)
  return path
}

export function readVector(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(relative)))
}

export function readVectorText(relative: string): string {
  return readFileSync(vectorPath(relative), 'utf8')
}

export function readVectorJson<T = unknown>(relative: string): T {
  return JSON.parse(readVectorText(relative)) as T
}
