/**
 * `vigil witness` as a service over its HTTP app, on each engine: the tlog-witness status codes
 * and bodies, the cosignature it answers, the monitoring path, evidence of a fork kept and shown,
 * concurrent requests that cannot both advance, and state that survives a restart (PGlite dir).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sha256, utf8 } from '../../../src/core/codec/bytes.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import {
  formatCheckpoint,
  parseNote,
  signNote,
  verifyCheckpointWithPolicy,
} from '../../../src/core/note/index.ts'
import { formatAddCheckpoint } from '../../../src/core/witness/index.ts'
import { createDb } from '../../../src/platform/db/client.ts'
import { migrate } from '../../../src/platform/db/migrate.ts'
import { createTestDatabase, ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { memoryLog } from '../../helpers/tlog.ts'
import { startWitness } from '../../helpers/witness.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const post = (
  app: { request: (p: string, i: RequestInit) => Response | Promise<Response> },
  body: string,
) => app.request('/witness/add-checkpoint', { method: 'POST', body })

describe.each(ENGINES)('witness over HTTP (%s)', (engine) => {
  const dbs: { drop(): Promise<void> }[] = []
  afterAll(async () => {
    for (const d of dbs) await d.drop()
  })
  async function setup() {
    const database = await createTestDatabase(engine)
    dbs.push(database)
    const log = await memoryLog('log.example/a')
    const w = await startWitness(database, [{ origin: log.origin, vkeys: [log.vkey] }])
    return { database, log, ...w }
  }

  it('cosigns, answers 409 with its size, and serves the cosigned checkpoint', async () => {
    const { app, log, vkey } = await setup()
    log.append(4)
    const first = await post(
      app,
      formatAddCheckpoint({ old: 0n, proof: [], note: await log.checkpoint() }),
    )
    expect(first.status).toBe(200)
    const line = await first.text()
    expect(line).toMatch(/^— w\.example [A-Za-z0-9+/=]+\n$/)
    const cosigned = `${await log.checkpoint()}${line}`
    const policy = { logs: [{ vkey: log.vkey }], witnesses: [{ name: 'w', vkey }], quorum: 1 }
    const verified = await verifyCheckpointWithPolicy(cosigned, policy)
    expect(verified.cosignatures[0]?.timestamp).toBe(
      BigInt(Date.parse('2026-11-24T12:00:00Z') / 1000),
    )

    // The log thinks the witness is still at 0: 409 with the real size, as text/x.tlog.size.
    log.append(3)
    const stale = await post(
      app,
      formatAddCheckpoint({ old: 0n, proof: [], note: await log.checkpoint() }),
    )
    expect(stale.status).toBe(409)
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size')
    expect(await stale.text()).toBe('4\n')
    const ok = await post(
      app,
      formatAddCheckpoint({ old: 4n, proof: await log.proof(4, 7), note: await log.checkpoint() }),
    )
    expect(ok.status).toBe(200)

    const hash = toHex(await sha256(utf8(log.origin)))
    const latest = await app.request(`/witness/${hash}/checkpoint`)
    expect(latest.status).toBe(200)
    const served = await latest.text()
    expect(parseNote(served).text).toBe(parseNote(await log.checkpoint()).text)
    await verifyCheckpointWithPolicy(served, policy)
    expect((await app.request(`/witness/${'0'.repeat(64)}/checkpoint`)).status).toBe(404)
    const info = (await (await app.request('/witness')).json()) as {
      vkey: string
      logs: { size: string }[]
    }
    expect(info.vkey).toBe(vkey)
    expect(info.logs[0]?.size).toBe('7')
  })

  it('refusals name their reason: 404, 403, 400, 422 (problem+json)', async () => {
    const { app, log } = await setup()
    log.append(2)
    const other = await memoryLog('log.example/other')
    other.append(1)
    const cases: [string, number, string][] = [
      [
        formatAddCheckpoint({ old: 0n, proof: [], note: await other.checkpoint() }),
        404,
        'WITNESS_UNKNOWN_LOG',
      ],
      [
        formatAddCheckpoint({
          old: 0n,
          proof: [],
          note: (await log.checkpoint()).replace('\n2\n', '\n3\n'),
        }),
        403,
        'WITNESS_BAD_SIGNATURE',
      ],
      [
        formatAddCheckpoint({ old: 5n, proof: [], note: await log.checkpoint() }),
        400,
        'WITNESS_OLD_ABOVE_SIZE',
      ],
      ['old x\n\nnope', 400, 'WITNESS_BAD_REQUEST'],
      [
        formatAddCheckpoint({ old: 0n, proof: [log.root(1)], note: await log.checkpoint() }),
        422,
        'WITNESS_UNEXPECTED_PROOF',
      ],
    ]
    for (const [body, status, code] of cases) {
      const res = await post(app, body)
      expect(res.status, code).toBe(status)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(((await res.json()) as { code: string }).code).toBe(code)
    }
  })

  it('a fork is refused with 422 and its evidence is kept and shown', async () => {
    const { app, log, evidence } = await setup()
    log.append(3)
    expect(
      (await post(app, formatAddCheckpoint({ old: 0n, proof: [], note: await log.checkpoint() })))
        .status,
    ).toBe(200)
    const fork = await memoryLog(log.origin)
    fork.leaves.push(...log.leaves)
    fork.leaves[0] = fork.leaves[2] as Uint8Array
    fork.append(2)
    const forged = await signNote(
      formatCheckpoint({ origin: log.origin, size: 5n, root: fork.root(), extensions: [] }),
      [log.signer],
    )
    const proof = await fork.proof(3, 5)
    const res = await post(app, formatAddCheckpoint({ old: 3n, proof, note: forged }))
    expect(res.status).toBe(422)
    expect(((await res.json()) as { code: string }).code).toBe('WITNESS_INCONSISTENT')
    expect(evidence).toHaveLength(1)
    const shown = (await (await app.request('/witness/evidence')).json()) as {
      evidence: {
        origin: string
        oldSize: string
        oldNote: string
        newNote: string
        proof: string[]
      }[]
    }
    expect(shown.evidence).toHaveLength(1)
    const [e] = shown.evidence
    expect(e?.origin).toBe(log.origin)
    expect(e?.oldSize).toBe('3')
    expect(parseNote(e?.oldNote ?? '').text).toBe(parseNote(await log.checkpoint()).text)
    expect(e?.newNote).toBe(forged)
    expect(e?.proof).toHaveLength(proof.length)
    // The real history still extends.
    log.append(1)
    const next = await post(
      app,
      formatAddCheckpoint({ old: 3n, proof: await log.proof(3, 4), note: await log.checkpoint() }),
    )
    expect(next.status).toBe(200)
  })

  it('two concurrent requests from one state: exactly one advances, the other gets 409', async () => {
    const { app, log } = await setup()
    log.append(2)
    const a = await log.checkpoint(2)
    log.append(2)
    const b = await log.checkpoint(4)
    const [ra, rb] = await Promise.all([
      post(app, formatAddCheckpoint({ old: 0n, proof: [], note: a })),
      post(app, formatAddCheckpoint({ old: 0n, proof: [], note: b })),
    ])
    expect([ra.status, rb.status].sort()).toEqual([200, 409])
  })
})

describe('witness state survives a restart (PGlite data directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-witness-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps refusing a rolled-back size after reopening', async () => {
    const log = await memoryLog('log.example/r')
    const logs = [{ origin: log.origin, vkeys: [log.vkey] }]
    log.append(6)
    let database = await createDb({ kind: 'pglite', dataDir: dir })
    await migrate(database)
    const first = await startWitness(database, logs)
    expect(
      (
        await post(
          first.app,
          formatAddCheckpoint({ old: 0n, proof: [], note: await log.checkpoint() }),
        )
      ).status,
    ).toBe(200)
    await database.close()

    database = await createDb({ kind: 'pglite', dataDir: dir })
    await migrate(database)
    const again = await startWitness(database, logs, { key: first.key })
    // A rollback to size 4: claimed as a first cosignature, then from the real size.
    const rolled = await log.checkpoint(4)
    const r1 = await post(again.app, formatAddCheckpoint({ old: 0n, proof: [], note: rolled }))
    expect(r1.status).toBe(409)
    expect(await r1.text()).toBe('6\n')
    const r2 = await post(again.app, formatAddCheckpoint({ old: 6n, proof: [], note: rolled }))
    expect(r2.status).toBe(400)
    await database.close()
  })
})
