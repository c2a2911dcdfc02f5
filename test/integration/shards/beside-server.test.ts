/**
 * Log rotation as an operator meets it (docs/LEDGER.md "Shards"): `vigil serve` and a `vigil
 * witness` as processes (PGlite data directories), `vigil log rotate` run beside the server. Cards
 * issued before and after the rotation both verify through the offline verifier core against the
 * served trust material; the final checkpoint is cosigned by the witness; a forged checkpoint of
 * shard 1 past its final size (signed with shard 1's real key) is refused by the witness process
 * and by the verifier core, each with its code; `vigil monitor` follows each shard by its key;
 * `vigil audit` walks both shards and passes, and names shard 1 when one of its entries is
 * rewritten.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointText } from '../../../src/core/checkpoint/index.ts'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import { signNote } from '../../../src/core/note/index.ts'
import {
  httpLedgerSource,
  type OpenedTrustMaterial,
  openTrustMaterial,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { formatAddCheckpoint } from '../../../src/core/witness/index.ts'
import { systemRandom } from '../../../src/platform/context/context.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import { KeyStore } from '../../../src/platform/keys/store.ts'
import { logSigner } from '../../../src/services/ledger/checkpoint.ts'
import { immunization } from '../../helpers/credentials.ts'
import { freePort, type StartedProcess, until, whenServing } from '../../helpers/server.ts'

const CLI = fileURLToPath(new URL('../../../src/entry/cli.ts', import.meta.url))
const MASTER = new Uint8Array(32).fill(11)
const ORIGIN = 'vigil.test/log'

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, VIGIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function runCli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, VIGIL_LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * GET, again once if the socket was closed under it: a kept-alive connection the server closed
 * while a CLI command ran for longer than its keep-alive timeout (seen once on the loaded
 * machine: UND_ERR_SOCKET "other side closed"; the server was up).
 */
async function get(url: string): Promise<Response> {
  try {
    return await fetch(url)
  } catch {
    return fetch(url)
  }
}

describe('vigil log rotate beside a running server and witness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-shards-'))
  const running: StartedProcess[] = []
  afterAll(async () => {
    for (const p of running) await p.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('rotates; both shards verify, the final checkpoint is cosigned, forgeries and tampering are named', async () => {
    const logDir = join(dir, 'log')
    const [logPort, witnessPort] = await Promise.all([freePort(), freePort()])
    const logEnv = {
      VIGIL_DATA_DIR: logDir,
      VIGIL_MASTER_KEY: toBase64(MASTER),
      VIGIL_LOG_ORIGIN: ORIGIN,
      PORT: String(logPort),
    }
    const keys = runCli(['keys', 'list'], logEnv)
    expect(keys.status, keys.stderr).toBe(0)
    const vkey1 = /^log\s+active\s+\S+\s+(\S+)$/m.exec(keys.stdout)?.[1] ?? ''
    expect(vkey1.startsWith(`${ORIGIN}+`)).toBe(true)
    const token = runCli(['tokens', 'create', '--name', 'his', '--role', 'issuer'], logEnv)
    expect(token.stdout).toMatch(/^vgl_/)

    const witnessUrl = `http://127.0.0.1:${witnessPort}`
    const startWitness = async (logs: string[]) => {
      const args = ['witness', '--data', join(dir, 'w1'), '--port', String(witnessPort)]
      const p = await whenServing(
        spawnCli([...args, '--name', 'w1.test', ...logs.flatMap((k) => ['--log', k])], {}),
        witnessUrl,
      )
      running.push(p)
      return p
    }
    let witness = await startWitness([vkey1])
    const witnessVkey = /^witness \S+ vkey (\S+)$/m.exec(witness.out())?.[1] ?? ''
    const serveEnv = {
      ...logEnv,
      VIGIL_WITNESSES: `w1 ${witnessVkey} ${witnessUrl}/witness`,
      VIGIL_WITNESS_QUORUM: '1',
      VIGIL_WITNESS_TIMEOUT_MS: '2000',
    }
    const logUrl = `http://localhost:${logPort}`
    const server = await whenServing(spawnCli(['serve'], serveEnv), logUrl)
    running.push(server)

    const issue = async () => {
      const res = await fetch(`${logUrl}/api/credentials`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token.stdout.trim()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(immunization()),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { jws: string; leafIndex: string }
    }
    const cosignedPast = (index: string) =>
      until(`a cosigned checkpoint past ${index}`, async () => {
        const s = (await (await get(`${logUrl}/log/witnesses`)).json()) as {
          size: string
          met: boolean
        }
        return s.met && BigInt(s.size) > BigInt(index) ? s : undefined
      })

    // Shard 1: a card, cosigned.
    const before = await issue()
    await cosignedPast(before.leafIndex)

    // The rotation, beside the server.
    const rotated = runCli(['log', 'rotate', '--min-age', '0', '--json'], serveEnv)
    expect(rotated.status, rotated.stderr).toBe(0)
    const result = JSON.parse(rotated.stdout) as {
      rotated: boolean
      frozen: { id: number; origin: string; finalSize: string }
      active: { id: number; origin: string }
      witnesses: { witness: string; ok: boolean; reason?: string }[]
    }
    expect(result.rotated).toBe(true)
    expect(result.frozen).toMatchObject({ id: 1, origin: ORIGIN })
    expect(result.active).toMatchObject({ id: 2, origin: `${ORIGIN}/2` })
    expect(result.witnesses).toEqual([{ witness: 'w1', ok: true }])
    const finalSize = BigInt(result.frozen.finalSize)
    expect(finalSize).toBeGreaterThan(BigInt(before.leafIndex))

    // Shard 1's final checkpoint, served under /log/1/, carries the `final` line and w1's cosignature.
    const final = await (await get(`${logUrl}/log/1/checkpoint`)).text()
    expect(final.split('\n').slice(0, 2)).toEqual([ORIGIN, String(finalSize)])
    expect(final).toContain('\nfinal\n')
    expect(final).toMatch(/^— w1\.test /m)

    // `vigil log shards` beside the server lists both, with the period and final size.
    const listed = runCli(['log', 'shards', '--json'], logEnv)
    expect(listed.status, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout).shards).toMatchObject([
      { id: 1, state: 'frozen', origin: ORIGIN, finalSize: String(finalSize) },
      { id: 2, state: 'active', origin: `${ORIGIN}/2`, finalSize: null, periodEnd: null },
    ])

    // The witness follows shard 2 too (its key is new), then shard 2 gets a card.
    expect(server.child.exitCode, server.out()).toBeNull()
    const shards = (await (await get(`${logUrl}/log/shards`)).json()) as {
      shards: { id: number; vkey: string }[]
    }
    const vkey2 = shards.shards.find((s) => s.id === 2)?.vkey ?? ''
    expect(vkey2.startsWith(`${ORIGIN}/2+`)).toBe(true)
    await witness.stop()
    witness = await startWitness([vkey1, vkey2])
    const after = await until('an append in shard 2', async () => {
      const card = await issue()
      return card
    })
    expect(BigInt(after.leafIndex)).toBeLessThan(finalSize)
    await cosignedPast(after.leafIndex)
    expect((await (await get(`${logUrl}/log/checkpoint`)).text()).split('\n')[0]).toBe(
      `${ORIGIN}/2`,
    )

    // Both cards verify through the offline verifier core, from the served trust material.
    const vkeyNow = (await (await get(`${logUrl}/log/key`)).text()).trim()
    expect(vkeyNow).toBe(vkey2)
    const material = await openTrustMaterial(
      await (await get(`${logUrl}/trust/material`)).text(),
      vkeyNow,
    )
    expect(material.shards?.map((s) => [s.id, s.state])).toEqual([
      [1, 'frozen'],
      [2, 'active'],
    ])
    const verify = (jws: string, m: OpenedTrustMaterial = material) =>
      verifyCredential(jws, {
        trust: [m],
        now: Math.floor(Date.now() / 1000),
        ledger: () => httpLedgerSource(logUrl, (u, i) => fetch(u, i)),
      })
    for (const card of [before, after]) {
      const verdict = await verify(card.jws)
      expect(verdict.status, JSON.stringify(verdict.checks)).toBe('valid')
      const ledger = verdict.checks.find((c) => c.id === 'ledger')
      expect(ledger?.code).toBe('VERIFY_LEDGER_INCLUDED')
      expect(ledger?.detail?.index).toBe(card.leafIndex)
    }

    // A monitor pinned to shard 1's key follows shard 1 to its final size, and one pinned to
    // shard 2's key follows shard 2: neither mistakes the other shard for a fork.
    const monitor = (vkey: string, state: string) =>
      runCli(
        ['monitor', logUrl, '--vkey', vkey, '--once', '--json', '--state', join(dir, state)],
        {},
      )
    const m1 = monitor(vkey1, 'm1.json')
    expect(m1.status, m1.stderr).toBe(0)
    expect(m1.stderr).toContain(`${ORIGIN} is frozen at size ${finalSize}`)
    expect(JSON.parse(m1.stdout)).toMatchObject({ size: String(finalSize), alerts: [] })
    const m2 = monitor(vkey2, 'm2.json')
    expect(m2.status, m2.stderr).toBe(0)
    expect(JSON.parse(m2.stdout).alerts).toEqual([])

    // vigil audit --url walks both shards over HTTP (/log/shards, /log/<id>/…) and passes.
    const remote = runCli(['audit', '--url', logUrl, '--vkey', vkey2, '--json'], {})
    expect(remote.status, remote.stderr).toBe(0)
    const remoteReport = JSON.parse(remote.stdout) as { shards: { id: number; ok: boolean }[] }
    expect(remoteReport.shards.map((s) => [s.id, s.ok])).toEqual([
      [1, true],
      [2, true],
    ])

    // A forged checkpoint of shard 1 past its final size, signed with shard 1's own key.
    await server.stop()
    const database = await createDb({ kind: 'pglite', dataDir: join(logDir, 'db') })
    let forged: string
    try {
      const store = new KeyStore({
        db: database.db,
        masterKey: MASTER,
        random: systemRandom,
        logName: ORIGIN,
        now: () => new Date(),
      })
      const [row] = (await store.list()).filter((k) => k.purpose === 'log')
      const key1 = await store.load(row?.id ?? '')
      forged = await signNote(
        checkpointText({
          origin: ORIGIN,
          size: finalSize + 5n,
          root: new Uint8Array(32).fill(3),
          time: Math.floor(Date.now() / 1000),
        }),
        [logSigner(key1, ORIGIN)],
      )
    } finally {
      await database.close()
    }
    const add = await fetch(`${witnessUrl}/witness/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ old: finalSize, proof: [], note: forged }),
    })
    expect(add.status).toBe(422)
    expect(await add.text()).toContain('WITNESS_SHARD_FROZEN')
    const withForgery: OpenedTrustMaterial = {
      ...material,
      shards: material.shards?.map((s) => (s.id === 1 ? { ...s, checkpoint: forged } : s)),
    }
    const refused = await verify(before.jws, withForgery)
    expect(refused.status).toBe('invalid')
    expect(refused.checks.find((c) => c.id === 'checkpoint')?.code).toBe('VERIFY_SHARD_PAST_FINAL')

    // vigil audit walks both shards and passes; a rewritten entry of shard 1 is named there.
    const clean = runCli(['audit', '--json'], logEnv)
    expect(clean.status, clean.stderr).toBe(0)
    const report = JSON.parse(clean.stdout) as {
      ok: boolean
      shards: { id: number; ok: boolean }[]
    }
    expect(report.shards.map((s) => [s.id, s.ok])).toEqual([
      [1, true],
      [2, true],
    ])
    const db = await createDb({ kind: 'pglite', dataDir: join(logDir, 'db') })
    try {
      await db.db.execute(
        `update log_shard_1.log_entries set entry = set_byte(entry, 3, get_byte(entry, 3) # 1) where idx = ${before.leafIndex}` as never,
      )
    } finally {
      await db.close()
    }
    const tampered = runCli(['audit'], logEnv)
    expect(tampered.status).toBe(1)
    expect(tampered.stderr).toMatch(
      new RegExp(
        `^shard 1 \\(${ORIGIN}, frozen\\): AUDIT_ENTRY_MISMATCH at index ${before.leafIndex}`,
        'm',
      ),
    )
  }, 300_000)
})
