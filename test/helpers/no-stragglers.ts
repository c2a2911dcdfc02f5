/**
 * A setup file (vitest.config.ts): after each test file, no process it started may still run.
 * Its afterAll is registered first, so it runs after the file's own (hooks run as a stack).
 * Whatever is left is killed, and the file fails naming it.
 */
import { afterAll } from 'vitest'
import { descendants, reap } from './stragglers.ts'

afterAll(async () => {
  const left = await reap(() => descendants(process.pid))
  if (left.length > 0)
    throw new Error(`this file left processes running (killed now):\n${left.join('\n')}`)
})
