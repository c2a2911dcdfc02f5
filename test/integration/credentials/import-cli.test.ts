/** `vigil import FILE`, in process: a PGlite data directory, a file with a broken row, a re-run. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runVigil } from '../../helpers/cli.ts'
import { immunization, testResult } from '../../helpers/credentials.ts'
import { seedDataDir } from '../../helpers/db.ts'
import { PROCESS_TEST_TIMEOUT } from '../../helpers/server.ts'

const dir = mkdtempSync(join(tmpdir(), 'vigil-import-'))
seedDataDir(join(dir, 'data'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// In process (test/helpers/cli.ts): this is about the command, not about a process.
const run = (args: string[]) =>
  runVigil(args, { VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_LOG_LEVEL: 'error' })

describe('vigil import', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('issues the good rows, reports the bad one, and a re-run issues nothing twice', async () => {
    const file = join(dir, 'batch.ndjson')
    writeFileSync(
      file,
      [
        JSON.stringify({ ...immunization(), rowKey: 'a' }),
        JSON.stringify({ ...testResult(), rowKey: 'b' }),
        JSON.stringify({ ...immunization({ region: 'not a region!' }), rowKey: 'c' }),
      ].join('\n'),
    )
    const report = join(dir, 'report.ndjson')
    const first = await run(['import', file, '--report', report])
    expect(first.status).toBe(1)
    expect(first.stdout).toContain('3 rows: 2 issued, 0 already issued, 1 errors')
    expect(first.stderr).toMatch(/row 3 \(c\): VALIDATION at region/)
    expect(readFileSync(report, 'utf8').trim().split('\n')).toHaveLength(3)
    const again = await run(['import', file])
    expect(again.stdout).toContain('3 rows: 0 issued, 2 already issued, 1 errors')
  })

  it('a missing file is a usage error', async () => {
    const r = await run(['import', join(dir, 'nope.csv')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('cannot read')
  })
})
