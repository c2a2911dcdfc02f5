/**
 * A plain static file server (node:http) for a published copy, as any web server or CDN would
 * serve the directory: GET of a file under `prefix`, 404 otherwise, no knowledge of Vigil.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join, normalize } from 'node:path'

export interface StaticServer {
  url: string
  close(): Promise<void>
}

export async function serveDirectory(root: string, prefix = '/'): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string)
    const rel = path.startsWith(prefix) ? path.slice(prefix.length) : undefined
    if (req.method !== 'GET' || rel === undefined || rel.includes('..') || rel === '') {
      res.writeHead(404).end()
      return
    }
    try {
      const body = await readFile(join(root, normalize(rel)))
      res.writeHead(200, {
        'content-type':
          rel === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
        'cache-control':
          rel === 'checkpoint' ? 'public, max-age=2' : 'public, max-age=31536000, immutable',
        'access-control-allow-origin': '*',
      })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
