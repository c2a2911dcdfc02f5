/**
 * The server logs the pages' release at start (entry/commands/release.ts). A release file the
 * service refuses must not stop the server: it says why and names the command that mends it
 * (a good file's release is test/browser/verify-release.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishServedRelease } from '../../src/entry/commands/release.ts'
import type { Logger } from '../../src/platform/context/index.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

describe('the release file at start', () => {
  let t: TestApp
  const dir = mkdtempSync(join(tmpdir(), 'vigil-release-start-'))
  beforeAll(async () => {
    t = await createTestApp('pglite')
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await t?.close()
  })

  const recording = () => {
    const lines: { level: string; msg: string }[] = []
    const at =
      (level: string) =>
      (msg: string): void => {
        lines.push({ level, msg })
      }
    const logger: Logger = {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    }
    return { lines, logger }
  }

  it('one the service refuses is logged as an error naming `vigil release publish`; nothing is thrown', async () => {
    writeFileSync(join(dir, 'release.json'), '{"schema":"not a release"}\n')
    const { lines, logger } = recording()
    await expect(publishServedRelease({ ...t.ctx, logger }, dir)).resolves.toBeUndefined()
    const errors = lines.filter((l) => l.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.msg).toMatch(/was not logged \(VALIDATION\).*vigil release publish/)
  })
})
