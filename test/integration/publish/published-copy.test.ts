/**
 * The user's case: a real `vigil serve` with VIGIL_PUBLISH_DIR issues credentials; a plain static
 * HTTP server serves the directory under /log/ (as a CDN would); the log client verifies a card's
 * inclusion from that copy alone, and the real `vigil audit --url` passes on it. A copy with one
 * tile deleted, or one bundle or tile changed, makes the audit exit 1 naming exactly that object.
 * While the server runs, its scheduled audit of the copy raises the alert (log line and
 * GET /log/published) when a tile disappears, and the next publishing run puts it back.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseVigilCheckpoint } from '../../../src/core/checkpoint/index.ts'
import { fromBase64Url, fromUtf8, toBase64 } from '../../../src/core/codec/index.ts'
import { createLogClient } from '../../../src/core/log-client/index.ts'
import { createEd25519Verifier, openNote } from '../../../src/core/note/index.ts'
import { inflateRaw } from '../../../src/core/shc/index.ts'
import { credentialLeafHash, proveLeafInclusion } from '../../../src/core/verify/index.ts'
import { TEST_MASTER_KEY } from '../../helpers/app.ts'
import { runCli } from '../../helpers/cli.ts'
import { seedDataDir } from '../../helpers/db.ts'
import {
  freePort,
  PROCESS_TEST_TIMEOUT,
  type RunningServer,
  startServer,
} from '../../helpers/server.ts'
import { type StaticServer, serveDirectory } from '../../helpers/static-server.ts'

const dir = seedDataDir(mkdtempSync(join(tmpdir(), 'vigil-published-')))
const pub = join(dir, 'published')
const env = {
  VIGIL_DATA_DIR: dir,
  VIGIL_MASTER_KEY: toBase64(TEST_MASTER_KEY),
  VIGIL_PUBLISH_DIR: pub,
  VIGIL_PUBLISH_AUDIT_SECONDS: '2',
}
// Commands beside the server: no PORT of their own, the embedded database through its socket.
const beside = { ...env, PORT: undefined, DATABASE_URL: undefined }
let server: RunningServer
let vkey: string
let token: string
const issued: { jws: string; leafIndex: string }[] = []
const statics: StaticServer[] = []

const card = (i: number) => ({
  type: 'immunization',
  patient: { givenNames: ['Static'], familyName: `Copy${i}`, birthDate: '1980-01-01' },
  immunizations: [{ code: '208', date: '2021-05-01', lotNumber: 'EW0182' }],
  region: 'NL-NH',
})

async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await get()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const published = async () =>
  (await (await fetch(`${server.url}/log/published`)).json()) as {
    size?: string
    audit?: { ok: boolean; finding?: { code: string; at: string } }
  }

/** `vigil audit --url` (a real process) against a static server of `root`, mounted at /log/. */
async function auditCopy(root: string) {
  const s = await serveDirectory(root, '/log/')
  statics.push(s)
  return runCli(['audit', '--url', s.url, '--vkey', vkey], { VIGIL_DATA_DIR: dir })
}

beforeAll(async () => {
  server = await startServer({ ...env, PORT: String(await freePort()), DATABASE_URL: '' })
  vkey = (await (await fetch(`${server.url}/log/key`)).text()).trim()
  const made = await runCli(['tokens', 'create', '--name', 'pub', '--role', 'issuer'], beside)
  expect(made.code, made.stderr).toBe(0)
  token = made.stdout.trim()
  const issue = async (i: number) => {
    const res = await fetch(`${server.url}/api/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(card(i)),
    })
    expect(res.status).toBe(201)
    return (await res.json()) as { jws: string; leafIndex: string }
  }
  // Past one full tile (256 leaves), so level 1 and a full bundle are published too.
  for (let round = 0; round < 20; round++)
    issued.push(...(await Promise.all(Array.from({ length: 14 }, (_, k) => issue(round * 14 + k)))))
  const head = await (await fetch(`${server.url}/log/checkpoint`)).text()
  const size = parseVigilCheckpoint(head.slice(0, head.indexOf('\n\n') + 1)).size
  await until('the copy to reach the head', async () =>
    (await published()).size === String(size) ? true : undefined,
  )
}, PROCESS_TEST_TIMEOUT * 2)

afterAll(async () => {
  await server?.stop()
  for (const s of statics) await s.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the published copy, served by a plain static server', () => {
  it(
    'the log client proves a card from the copy alone, and vigil audit --url passes',
    async () => {
      const s = await serveDirectory(pub, '/log/')
      statics.push(s)
      const client = createLogClient(s.url, (url) => fetch(url))
      const note = await client.checkpoint()
      const verifier = await createEd25519Verifier(vkey)
      await openNote(note, [verifier])
      const { size, root } = parseVigilCheckpoint(note.slice(0, note.indexOf('\n\n') + 1))
      expect(size).toBeGreaterThan(256n)
      const c = issued[3] as { jws: string; leafIndex: string }
      const [h = '', p = ''] = c.jws.split('.')
      const { kid } = JSON.parse(fromUtf8(fromBase64Url(h))) as { kid: string }
      const { nbf } = JSON.parse(fromUtf8(await inflateRaw(fromBase64Url(p), 1 << 20))) as {
        nbf: number
      }
      const leaf = await credentialLeafHash(c.jws, kid, nbf)
      const source = { lookup: async () => 'too-many' as const, readTiles: client.readTiles }
      const proof = await proveLeafInclusion(source, leaf, BigInt(c.leafIndex), size, root)
      expect(proof.length).toBeGreaterThan(7)

      const r = await auditCopy(pub)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`audited ${size} entries, 1 checkpoints: consistent`))
      expect(r.stderr).toContain('static tlog-tiles copy')
    },
    PROCESS_TEST_TIMEOUT,
  )

  it(
    'a deleted tile, a changed bundle and a changed tile are each named by the audit',
    async () => {
      const cases: [string, (file: string) => void, RegExp][] = [
        ['tile/0/000', (f) => unlinkSync(f), /^AUDIT_OBJECT_MISSING at tile\/0\/000: missing/],
        ['tile/entries/000', flip, /^AUDIT_BUNDLE_MISMATCH at tile\/entries\/000: does not hash/],
        ['tile/0/000', flip, /^AUDIT_TILE_MISMATCH at tile\/0\/000: hash 1 /],
      ]
      for (const [path, change, expected] of cases) {
        const copy = mkdtempSync(join(dir, 'copy-'))
        cpSync(pub, copy, { recursive: true })
        change(join(copy, path))
        const r = await auditCopy(copy)
        expect(r.code, `${path}: ${r.stderr}`).toBe(1)
        expect(r.stderr.split('\n').find((l) => l.startsWith('AUDIT_'))).toMatch(expected)
      }
      // No key pinned: a static copy publishes none, so the audit cannot run (exit 2).
      const s = await serveDirectory(pub, '/log/')
      statics.push(s)
      const r = await runCli(['audit', '--url', s.url], { VIGIL_DATA_DIR: dir })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('pass the log key with --vkey')
    },
    PROCESS_TEST_TIMEOUT,
  )

  it(
    'the scheduled audit raises the alert for a tile gone from the copy, or a changed bundle; publishing puts them back',
    async () => {
      const path = join(pub, 'tile/0/000')
      const good = readFileSync(path)
      unlinkSync(path)
      const status = await until('the alert', async () => {
        const s = await published()
        return s.audit?.ok === false ? s : undefined
      })
      expect(status.audit?.finding).toMatchObject({
        code: 'AUDIT_OBJECT_MISSING',
        at: 'tile/0/000',
      })
      expect(server.output()).toMatch(
        /ALERT: the published copy of the log is broken.*PUBLISHED_COPY_BROKEN/,
      )
      await until('the repair', async () => (existsSync(path) ? true : undefined))
      expect(readFileSync(path).equals(good)).toBe(true)
      await until('a clean audit', async () => ((await published()).audit?.ok ? true : undefined))
      // A changed bundle (same size): named by the next audit, then written again.
      const bundle = join(pub, 'tile/entries/000')
      const original = readFileSync(bundle)
      flip(bundle)
      const changed = await until('the second alert', async () => {
        const s = await published()
        return s.audit?.ok === false ? s : undefined
      })
      expect(changed.audit?.finding).toMatchObject({
        code: 'AUDIT_BUNDLE_MISMATCH',
        at: 'tile/entries/000',
      })
      await until('the bundle rewritten', async () =>
        readFileSync(bundle).equals(original) ? true : undefined,
      )
    },
    PROCESS_TEST_TIMEOUT,
  )
})

describe('a server killed while it publishes', () => {
  it(
    'SIGKILL during publishing, then a restart: the copy converges and audits clean',
    async () => {
      const port = new URL(server.url).port
      const issue = (i: number) =>
        fetch(`${server.url}/api/credentials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(card(1000 + i)),
        })
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => issue(i)))
      for (const a of answers) expect(a.status).toBe(201)
      // Killed at once: the poll may be between tiles and the checkpoint, or not started.
      await server.stop('SIGKILL')
      server = await startServer({ ...env, PORT: port, DATABASE_URL: '' })
      const head = await (await fetch(`${server.url}/log/checkpoint`)).text()
      const size = parseVigilCheckpoint(head.slice(0, head.indexOf('\n\n') + 1)).size
      await until('the copy to reach the head after the restart', async () =>
        (await published()).size === String(size) ? true : undefined,
      )
      const r = await auditCopy(pub)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`audited ${size} entries`)
    },
    PROCESS_TEST_TIMEOUT,
  )
})

/** Flips one bit of byte 40 (inside the second entry, or the second hash). */
function flip(file: string) {
  const bytes = readFileSync(file)
  bytes[40] = (bytes[40] as number) ^ 1
  writeFileSync(file, bytes)
}
