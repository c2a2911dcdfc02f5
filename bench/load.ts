/**
 * A small HTTP/1.1 load generator for the read-path bench: `connections` keep-alive sockets, each
 * sending one GET and waiting for its whole response before the next (no pipelining), for a fixed
 * time. It parses only the status line and Content-Length, so it costs the machine far less than
 * the servers it measures (node:http's client costs about as much as a bare server).
 */
import { connect, type Socket } from 'node:net'

export interface LoadResult {
  requests: number
  seconds: number
  requestsPerSec: number
  /** Responses whose status was not the expected one. */
  errors: number
  p50Ms: number
  p99Ms: number
}

const HEADER_END = Buffer.from('\r\n\r\n')

/** Runs the load against `host:port` `path` with `connections` in flight for `seconds`. */
export async function load(opts: {
  port: number
  /** The path, or a function giving each request's. */
  path: string | (() => string)
  connections: number
  seconds: number
  headers?: Record<string, string>
  /** Stop after this many requests have been sent (in all). */
  stopAfter?: number
  status?: number
}): Promise<LoadResult> {
  const extra = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  const build = (path: string) =>
    Buffer.from(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${opts.port}\r\n${extra}\r\n`)
  const fixed = typeof opts.path === 'string' ? build(opts.path) : undefined
  const next =
    typeof opts.path === 'string'
      ? () => fixed as Buffer
      : () => build((opts.path as () => string)())
  const expected = opts.status ?? 200
  const latencies: number[] = []
  let requests = 0
  let errors = 0
  let sent = 0
  const start = performance.now()
  const deadline = start + opts.seconds * 1000
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect(opts.port, '127.0.0.1')
      socket.setNoDelay(true)
      let buffer: Buffer = Buffer.alloc(0)
      let sentAt = 0
      const send = () => {
        if (performance.now() >= deadline || sent >= (opts.stopAfter ?? Number.POSITIVE_INFINITY)) {
          socket.end()
          resolve()
          return
        }
        sent++
        sentAt = performance.now()
        socket.write(next())
      }
      socket.on('connect', send)
      socket.on('error', reject)
      socket.on('data', (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
        for (;;) {
          const end = buffer.indexOf(HEADER_END)
          if (end < 0) return
          const head = buffer.subarray(0, end).toString('latin1')
          const status = Number(head.slice(9, 12))
          const match = /\r\ncontent-length: *(\d+)/i.exec(head)
          // 304 and 204 have no body; anything else here says its length.
          const length = match === null ? 0 : Number(match[1])
          if (match === null && status !== 304 && status !== 204) {
            reject(new Error(`a response without Content-Length:\n${head}`))
            return
          }
          if (buffer.length < end + 4 + length) return
          buffer = buffer.subarray(end + 4 + length)
          if (status === expected) {
            requests++
            latencies.push(performance.now() - sentAt)
          } else errors++
          send()
        }
      })
    })
  await Promise.all(Array.from({ length: opts.connections }, one))
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ??
    Number.NaN
  return {
    requests,
    seconds,
    requestsPerSec: requests / seconds,
    errors,
    p50Ms: at(50),
    p99Ms: at(99),
  }
}
