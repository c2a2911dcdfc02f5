/** A witness service over a test database, with its HTTP app, for in-process tests. */
import { createServer } from 'node:http'
import { serve } from '@hono/node-server'
import {
  createCosigner,
  formatVerifierKey,
  generateSignerKey,
  SIG_COSIGNATURE_V1,
  type SignerKey,
} from '../../src/core/note/index.ts'
import { createWitnessApp } from '../../src/http/witness-app.ts'
import { jsonLogger } from '../../src/platform/context/context.ts'
import type { Database } from '../../src/platform/db/client.ts'
import { type Evidence, type FollowedLog, Witness } from '../../src/services/witness/index.ts'

export interface TestWitness {
  witness: Witness
  app: ReturnType<typeof createWitnessApp>
  key: SignerKey
  vkey: string
  evidence: Evidence[]
}

export async function startWitness(
  database: Pick<Database, 'db'>,
  logs: FollowedLog[],
  options: { name?: string; key?: SignerKey; now?: () => Date } = {},
): Promise<TestWitness> {
  const key =
    options.key ??
    (await generateSignerKey(
      options.name ?? 'w.example',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    ))
  const vkey = formatVerifierKey(key)
  const evidence: Evidence[] = []
  const witness = await Witness.open({
    db: database.db,
    cosigner: await createCosigner(key),
    vkey,
    logs,
    clock: { now: options.now ?? (() => new Date('2026-11-24T12:00:00Z')) },
    logger: jsonLogger('silent'),
    onEvidence: (e) => evidence.push(e),
  })
  return { witness, app: createWitnessApp(witness, 'test'), key, vkey, evidence }
}

export interface Served {
  url: string
  close(): Promise<void>
}

/** Serves a fetch handler on an ephemeral loopback port (a real socket, as a remote witness). */
export function serveOnLoopback(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<Served> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

/** A server that accepts requests and never answers them (a hung witness). */
export function serveHanging(): Promise<Served> {
  return new Promise((resolve) => {
    const sockets = new Set<import('node:net').Socket>()
    const server = createServer(() => {})
    server.on('connection', (s) => sockets.add(s))
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number }
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
