/**
 * @module entry/client-errors
 * What never reaches the app on Node still gets RFC 9457 problem+json: a request Node's HTTP
 * parser refuses (a bad Content-Length, bad header bytes: `clientError`), and one that
 * @hono/node-server refuses before building a Request (a backslash in the path, a bad Host).
 * A client that goes away is routine, not a failure: one line at debug, no stack.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { getRequestListener, RequestError, serve } from '@hono/node-server'
import { problemBody } from '../http/problem.ts'
import type { Logger } from '../platform/context/index.ts'

type Fetch = Parameters<typeof getRequestListener>[0]

/** Socket errors that mean the peer is gone, or was never speaking HTTP to completion. */
const PEER_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

function problemText(code: string, detail: string): string {
  return JSON.stringify(problemBody(400, code, detail, {}))
}

/**
 * `clientError` handler: Node's parser rejected the bytes (RFC 9112 §2.2: respond 400 and close
 * the connection). Without a handler Node writes a bare `400 Bad Request` with no body.
 */
export function clientErrorHandler(logger: Logger) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    const code = err.code ?? 'UNKNOWN'
    if (PEER_GONE.has(code) || !socket.writable) {
      logger.debug('client connection closed', { code })
      socket.destroy()
      return
    }
    logger.debug('malformed HTTP request', { code })
    const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    const body =
      status === 431
        ? JSON.stringify(
            problemBody(431, 'HEADERS_TOO_LARGE', 'the request headers are too large', {}),
          )
        : problemText('BAD_HTTP_REQUEST', 'the request is not well-formed HTTP/1.1')
    const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\n` +
        `connection: close\r\n\r\n${body}`,
    )
  }
}

/** @hono/node-server's refusal of a request it could not turn into a Request. */
function requestErrorResponse(err: unknown): Response {
  const detail = err instanceof RequestError ? err.message : 'the request could not be read'
  return new Response(problemText('BAD_HTTP_REQUEST', detail), {
    status: 400,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      connection: 'close',
    },
  })
}

/**
 * `serve()` from @hono/node-server, with problem+json for requests that never reach the app.
 * The listener is node-server's own, given the error handler `serve()` does not pass through.
 */
export function serveWithProblems(
  options: {
    fetch: Fetch
    port: number
    hostname: string
    /** Answers what it can from memory first (http/hot-reads.ts); false: the app's turn. */
    early?: (req: IncomingMessage, res: ServerResponse, next: () => void) => boolean
  },
  logger: Logger,
  onListening: Parameters<typeof serve>[1],
): ReturnType<typeof serve> {
  const listener = getRequestListener(options.fetch, {
    hostname: options.hostname,
    errorHandler: requestErrorResponse,
  })
  const handle = listener as (req: IncomingMessage, res: ServerResponse) => void
  const { early, ...serveOptions } = options
  const server = serve(
    {
      ...serveOptions,
      // Node's own Host check answers with an empty 400; this one says why (RFC 9112 §3.2).
      createServer: ((opts: object) =>
        createServer({ ...opts, requireHostHeader: false }, (req, res) => {
          if (req.httpVersion === '1.1' && req.headers.host === undefined) {
            const body = problemText('BAD_HTTP_REQUEST', 'an HTTP/1.1 request needs a Host header')
            res.writeHead(400, {
              'content-type': 'application/problem+json',
              'content-length': Buffer.byteLength(body),
              'cache-control': 'no-store',
              connection: 'close',
            })
            res.end(body)
            return
          }
          if (early?.(req, res, () => handle(req, res))) return
          handle(req, res)
        })) as unknown as typeof createServer,
    },
    onListening,
  )
  server.on('clientError', clientErrorHandler(logger))
  return server
}
