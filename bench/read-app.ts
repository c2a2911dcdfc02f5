/**
 * `node --import tsx bench/read-app.ts`: the app's own cost for the hot read routes (in process,
 * `app.fetch`, no sockets), to see what each request spends outside the network and the database.
 */
import { createApp } from '../src/http/app.ts'
import { benchEntry } from './append.ts'
import { openBenchDb } from './setup.ts'

const b = await openBenchDb('pglite')
for (let i = 0; i < 600; i += 100) await b.ledger.append(Array.from({ length: 100 }, benchEntry))
const app = createApp({ ...b.ctx, version: 'bench', ledger: b.ledger }, { accessLog: false })
const N = Number(process.env.N ?? '20000')
for (const path of ['/log/checkpoint', '/log/tile/0/000', '/healthz']) {
  const req = () => app.fetch(new Request(`http://localhost:8787${path}`))
  for (let i = 0; i < 2000; i++) await (await req()).arrayBuffer()
  const t = performance.now()
  for (let i = 0; i < N; i++) await (await req()).arrayBuffer()
  const us = ((performance.now() - t) * 1000) / N
  process.stdout.write(
    `${JSON.stringify({ bench: 'read.app', path, usPerRequest: Number(us.toFixed(1)) })}\n`,
  )
}
await b.ledger.close()
await b.drop()
