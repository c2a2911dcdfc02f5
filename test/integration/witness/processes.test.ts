/**
 * Three witnesses and a log as separate processes on loopback (`node --import tsx
 * src/entry/cli.ts …`, PGlite data directories in a temporary folder), with a 2-of-3 policy:
 * met with all three; met with one down; not met with two down, and the log says so; a witness
 * restarted from its state keeps refusing a rolled-back size; a forked log (a rewritten leaf,
 * re-signed with the log key) is refused by every witness that saw the old history, each keeps
 * the evidence, and a verifier that saw the honest checkpoint says `invalid`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/base64.ts'
import {
  createVerifyCache,
  httpLedgerSource,
  openTrustMaterial,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { formatAddCheckpoint } from '../../../src/core/witness/index.ts'
import { systemRandom } from '../../../src/platform/context/context.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import { KeyStore } from '../../../src/platform/keys/store.ts'
import { immunization } from '../../helpers/credentials.ts'
import { forkLog } from '../../helpers/fork.ts'
import { freePort, type StartedProcess, until, whenServing } from '../../helpers/server.ts'

const CLI = fileURLToPath(new URL('../../../src/entry/cli.ts', import.meta.url))
const MASTER = new Uint8Array(32).fill(9)
const ORIGIN = 'vigil.test/log'

function cli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, VIGIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

interface Status {
  size: string
  met: boolean
  witnesses: { name: string; signedLatest: boolean; lastSize?: string }[]
}

describe('witnesses and a log as processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-witnesses-'))
  const running: StartedProcess[] = []
  afterAll(async () => {
    for (const p of running) await p.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('2 of 3: met, one down met, two down not met; rollback and fork refused', async () => {
    const logDir = join(dir, 'log')
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()])
    const logPort = ports[3] as number
    // The log's own PORT from its first command on: the first process records the deployment's
    // public URL, and a later one with another PORT is refused.
    const logEnv = {
      VIGIL_DATA_DIR: logDir,
      VIGIL_MASTER_KEY: toBase64(MASTER),
      VIGIL_LOG_ORIGIN: ORIGIN,
      PORT: String(logPort),
    }
    // The log's keys and an issuer token, made before it serves.
    const keys = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'keys', 'list'], {
      env: { ...process.env, ...logEnv, VIGIL_LOG_LEVEL: 'error' },
      encoding: 'utf8',
    })
    if (keys.status !== 0) throw new Error(`keys list: ${keys.stderr}`)
    const logVkey = /^log\s+active\s+\S+\s+(\S+)$/m.exec(keys.stdout)?.[1] ?? ''
    expect(logVkey.startsWith(`${ORIGIN}+`)).toBe(true)
    const token = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'tokens', 'create', '--name', 'test', '--role', 'issuer'],
      { env: { ...process.env, ...logEnv, VIGIL_LOG_LEVEL: 'error' }, encoding: 'utf8' },
    ).stdout.trim()
    expect(token).toMatch(/^vgl_/)

    const startWitness = async (i: number) => {
      const port = ports[i] as number
      const child = cli(
        [
          'witness',
          '--data',
          join(dir, `w${i + 1}`),
          '--port',
          String(port),
          '--name',
          `w${i + 1}.test`,
          '--log',
          logVkey,
        ],
        {},
      )
      const p = await whenServing(child, `http://127.0.0.1:${port}`, '/healthz')
      running.push(p)
      return p
    }
    const w = await Promise.all([0, 1, 2].map(startWitness))
    const vkeys = w.map((p) => /^witness \S+ vkey (\S+)$/m.exec(p.out())?.[1] ?? '')
    expect(vkeys.every((k) => k.includes('+'))).toBe(true)

    const logUrl = `http://localhost:${logPort}`
    const serveEnv = {
      ...logEnv,
      VIGIL_WITNESSES: vkeys.map((k, i) => `w${i + 1} ${k} ${w[i]?.url}/witness`).join(';'),
      VIGIL_WITNESS_QUORUM: '2',
      VIGIL_WITNESS_TIMEOUT_MS: '1500',
    }
    let log = await whenServing(cli(['serve'], serveEnv), logUrl, '/readyz')
    running.push(log)

    const status = async () => (await (await fetch(`${logUrl}/log/witnesses`)).json()) as Status
    const issue = async () => {
      const res = await fetch(`${logUrl}/api/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(immunization()),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { jws: string; leafIndex: string }
    }
    /** Waits for a round over a checkpoint that covers `index`, all witnesses answered or timed out. */
    const settled = (index: string, signed: number) =>
      until(`${signed} cosignatures past ${index}`, async () => {
        const s = await status()
        const count = s.witnesses.filter((x) => x.signedLatest).length
        return BigInt(s.size) > BigInt(index) && count === signed ? s : undefined
      })

    // 1. All three up: 2 of 3 met (all three cosign).
    const card = await issue()
    const s1 = await settled(card.leafIndex, 3)
    expect(s1.met).toBe(true)
    const cache = createVerifyCache()
    const verify = async () => {
      const jws = await (await fetch(`${logUrl}/trust/material`)).text()
      const material = await openTrustMaterial(jws, logVkey)
      return verifyCredential(card.jws, {
        trust: [material],
        now: Math.floor(Date.now() / 1000),
        ledger: () => httpLedgerSource(logUrl, (u, i) => fetch(u, i)),
        cache,
      })
    }
    const honest = await verify()
    expect(honest.status).toBe('valid')
    expect(honest.checks.find((c) => c.id === 'witnesses')?.code).toBe('VERIFY_WITNESS_QUORUM_MET')

    // 2. One witness down: still met.
    await w[2]?.stop()
    const s2 = await settled((await issue()).leafIndex, 2)
    expect(s2.met).toBe(true)
    expect(s2.witnesses.find((x) => x.name === 'w3')?.signedLatest).toBe(false)

    // 3. Two down: not met, and the log says so (status and a warning).
    await w[1]?.stop()
    const third = await issue()
    const s3 = await until('an unmet round', async () => {
      const s = await status()
      return BigInt(s.size) > BigInt(third.leafIndex) &&
        log.out().includes('witness policy not met')
        ? s
        : undefined
    })
    expect(s3.met).toBe(false)

    // 4. w3 restarted from its state: a rolled-back size is still refused.
    w[2] = await startWitness(2)
    const chain = (await (await fetch(`${logUrl}/log/checkpoints?limit=500`)).json()) as {
      checkpoints: { size: string; note: string }[]
    }
    const older = chain.checkpoints.find(
      (c) => BigInt(c.size) > 0n && BigInt(c.size) < BigInt(s1.size),
    )
    const rolledBack = older ?? chain.checkpoints.at(-1)
    const add = (body: string) =>
      fetch(`${w[2]?.url}/witness/add-checkpoint`, { method: 'POST', body })
    const r1 = await add(formatAddCheckpoint({ old: 0n, proof: [], note: rolledBack?.note ?? '' }))
    expect(r1.status).toBe(409)
    expect(await r1.text()).toBe(`${s1.size}\n`)
    const r2 = await add(
      formatAddCheckpoint({ old: BigInt(s1.size), proof: [], note: rolledBack?.note ?? '' }),
    )
    expect(r2.status).toBe(400)
    w[1] = await startWitness(1)

    // 5. A fork: the log is stopped, a leaf rewritten and the tree re-signed with its key.
    await log.stop()
    const database = await createDb({ kind: 'pglite', dataDir: join(logDir, 'db') })
    const store = new KeyStore({
      db: database.db,
      masterKey: MASTER,
      random: systemRandom,
      logName: ORIGIN,
      now: () => new Date(),
    })
    await forkLog(database.db, store, ORIGIN, 1)
    await database.close()
    log = await whenServing(cli(['serve'], serveEnv), logUrl, '/readyz')
    running.push(log)
    // Every witness saw part of the old history: each refuses and keeps evidence.
    for (const p of w) {
      const evidence = await until(`evidence at ${p.url}`, async () => {
        const body = (await (await fetch(`${p.url}/witness/evidence`)).json()) as {
          evidence: { origin: string; reason: string }[]
        }
        return body.evidence.length > 0 ? body.evidence : undefined
      })
      expect(evidence[0]).toMatchObject({ origin: ORIGIN, reason: 'WITNESS_INCONSISTENT' })
      expect(p.out()).toContain('EVIDENCE')
    }
    expect((await status()).met).toBe(false)
    // The verifier that saw the honest checkpoint: invalid, a fork.
    const forked = await verify()
    expect(forked.status).toBe('invalid')
    expect(forked.reason?.code).toBe('VERIFY_LOG_FORK')
  }, 240_000)
})
