/**
 * What never reaches the app on Node: malformed raw HTTP gets problem+json and `Connection:
 * close`, and a client that leaves mid-body is one quiet log line, never an error with a stack.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWithProblems } from '../../../src/entry/client-errors.ts'
import { createApp } from '../../../src/http/app.ts'
import type { Logger } from '../../../src/platform/context/context.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { tokenFor } from '../../helpers/credentials.ts'

interface Line {
  level: string
  msg: string
  fields?: Record<string, unknown>
}

const lines: Line[] = []
const logger: Logger = {
  debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
}

/** Sends raw bytes, reads until the server closes (or 5 s), returns what came back. */
function rawExchange(port: number, bytes: string | Uint8Array, endAfter = true) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(out)
    }, 5000)
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => (out += d))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(out)
    })
    socket.write(bytes)
    if (endAfter) socket.end()
  })
}

function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2)
  const [status = '', ...headers] = head.split('\r\n')
  const h = new Map(
    headers.map((l) => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  )
  return { status: Number(status.split(' ')[1]), headers: h, body }
}

describe('Node server: client errors', () => {
  let t: TestApp
  let port: number
  let server: ReturnType<typeof serveWithProblems>
  let token: string
  beforeAll(async () => {
    t = await createTestApp('pglite')
    token = await tokenFor(t, ['issuer'])
    const app = createApp(
      { ...t.ctx, logger, version: 'test', ledger: t.ledger },
      { accessLog: false },
    )
    // This campaign's ports are 23000–23999; the fuzz driver uses 23000–23899.
    for (port = 23900; port < 24000; port++) {
      const listening = await new Promise<boolean>((resolve) => {
        server = serveWithProblems({ fetch: app.fetch, port, hostname: '127.0.0.1' }, logger, () =>
          resolve(true),
        )
        server.once('error', () => resolve(false))
      })
      if (listening) break
    }
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    await t?.close()
  })

  it.each([
    [
      'a Content-Length that is not a number',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    ],
    ['a control byte in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n'],
    ['a space in a header name', 'GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n'],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    [
      'two Content-Lengths that disagree',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
    ['a backslash in the path', 'GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an HTTP/1.1 request without Host', 'GET /healthz HTTP/1.1\r\n\r\n'],
  ])('%s: 400 problem+json BAD_HTTP_REQUEST, Connection: close', async (_name, raw) => {
    const res = parse(await rawExchange(port, raw))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.headers.get('connection')).toBe('close')
    expect(JSON.parse(res.body).code).toBe('BAD_HTTP_REQUEST')
  })

  it('a client that leaves mid-body is logged once, quietly, and nothing is an error', async () => {
    lines.length = 0
    const head =
      'POST /api/credentials HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n' +
      `authorization: Bearer ${token}\r\ncontent-length: 1000\r\n\r\n{"type":"imm`
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(head, () => setTimeout(() => socket.destroy(), 100))
      })
      socket.on('close', () => resolve())
    })
    // Let the server notice and finish the request.
    await new Promise((r) => setTimeout(r, 500))
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([])
    expect(JSON.stringify(lines)).not.toContain('stack')
    const gone = lines.filter((l) => /client/.test(l.msg))
    expect(gone).toHaveLength(1)
    expect(['debug', 'info']).toContain(gone[0]?.level)
  })
})
