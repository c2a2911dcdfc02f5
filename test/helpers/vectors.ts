/**
 * Public known-answer vectors live in ../shared/vectors (beside the repository), never copied in.
 * Tests read them from there; a missing folder fails loudly, because CI always has it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url))

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
