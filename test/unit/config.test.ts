import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/platform/config/config.ts'

describe('parseConfig', () => {
  it('serves a newcomer with no variables: port 8787, PGlite in ./.vigil, origin from the URL', () => {
    const c = parseConfig({})
    expect(c).toMatchObject({
      port: 8787,
      publicUrl: 'http://localhost:8787',
      databaseUrl: undefined,
      dataDir: './.vigil',
      logOrigin: 'localhost:8787/log',
      masterKey: undefined,
      ledgerMaxPending: 100_000,
    })
  })

  it('reads every variable', () => {
    const key = btoa(String.fromCharCode(...new Uint8Array(32).fill(1)))
    const c = parseConfig({
      PORT: '9000',
      PUBLIC_URL: 'https://vigil.health.example/',
      DATABASE_URL: 'postgres://u@db/vigil',
      VIGIL_DATA_DIR: '/var/lib/vigil',
      VIGIL_LOG_ORIGIN: 'health.example/credlog',
      VIGIL_MASTER_KEY: key,
    })
    expect(c.port).toBe(9000)
    expect(c.publicUrl).toBe('https://vigil.health.example')
    expect(c.databaseUrl).toBe('postgres://u@db/vigil')
    expect(c.logOrigin).toBe('health.example/credlog')
    expect(c.masterKey).toEqual(new Uint8Array(32).fill(1))
    expect(parseConfig({ VIGIL_LEDGER_MAX_PENDING: '5000' }).ledgerMaxPending).toBe(5000)
    expect(parseConfig({}).publish).toEqual({ dir: undefined, auditEveryMs: 3_600_000 })
    expect(
      parseConfig({ VIGIL_PUBLISH_DIR: '/srv/log', VIGIL_PUBLISH_AUDIT_SECONDS: '60' }).publish,
    ).toEqual({ dir: '/srv/log', auditEveryMs: 60_000 })
  })

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'ftp://x'],
    ['DATABASE_URL', 'mysql://x'],
    ['VIGIL_MASTER_KEY', 'c2hvcnQ='],
    ['VIGIL_LOG_ORIGIN', 'has space'],
    ['VIGIL_LOG_LEVEL', 'loud'],
    ['VIGIL_LEDGER_MAX_PENDING', '0'],
    ['VIGIL_PUBLISH_AUDIT_SECONDS', '0'],
  ])('a bad %s stops with one line naming it', (variable, value) => {
    let error: unknown
    try {
      parseConfig({ [variable]: value })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const e = error as ConfigError
    expect(e.variable).toBe(variable)
    expect(e.message.startsWith(`configuration error: ${variable} `)).toBe(true)
    expect(e.message).not.toContain('\n')
  })

  it('never echoes a secret value in the error', () => {
    expect(() => parseConfig({ VIGIL_MASTER_KEY: 'not-a-secret-shape-but-secret' })).toThrow(
      ConfigError,
    )
    try {
      parseConfig({ DATABASE_URL: 'mysql://user:hunter2@db' })
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2')
    }
  })
})
