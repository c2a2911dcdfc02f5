/**
 * CLI commands as real processes beside a server restarted under them (embedded database):
 * every command that exited 0 is stored, once. The full campaign is `npm run soak -- cli-beside`.
 */
import { describe, expect, it } from 'vitest'
import { runCliBeside } from '../soak/cli-beside.ts'

describe('CLI beside a restarting server', () => {
  it('token creations and imports interleaved with restarts: none lost, none duplicated', async () => {
    const report = await runCliBeside({ tokens: 5, imports: 5, restarts: 2, parallel: 3 })
    console.log(JSON.stringify(report))
    expect(report.tokens.lost).toBe(0)
    expect(report.imports.lost).toBe(0)
    expect(report.tokens.duplicated).toBe(0)
    expect(report.imports.duplicated).toBe(0)
    // Most commands succeed even across restarts (they wait for, or host, the database).
    expect(report.tokens.acknowledged + report.imports.acknowledged).toBeGreaterThanOrEqual(8)
    expect(report.tokens.stored).toBeGreaterThanOrEqual(report.tokens.acknowledged)
  }, 900_000)
})
