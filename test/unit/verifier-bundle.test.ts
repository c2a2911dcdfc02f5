/**
 * The verifier page's bundle (web/verify.html: the page script, the shared chunks and the QR
 * worker) holds no server code and stays under 200 KB gzipped. Built in memory with Vite, the
 * way `vite build` builds it.
 */

import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Rollup } from 'vite'
import { describe, expect, it } from 'vitest'

const WEB = fileURLToPath(new URL('../../web/', import.meta.url))
const LIMIT_GZIP = 200 * 1024
const FORBIDDEN = ['hono', 'drizzle', 'postgres', 'process.env', 'node:']

interface Piece {
  name: string
  code: string
}

async function buildVerifier(): Promise<Piece[]> {
  const output = await build({
    configFile: false,
    root: WEB,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      target: 'es2022',
      modulePreload: { polyfill: true },
      rollupOptions: { input: { verify: `${WEB}verify.html` } },
    },
  })
  const results = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[]
  return results.flatMap((r) =>
    r.output.flatMap((item): Piece[] => {
      if (item.type === 'chunk') return [{ name: item.fileName, code: item.code }]
      if (item.fileName.endsWith('.js')) {
        const source = item.source
        return [
          {
            name: item.fileName,
            code: typeof source === 'string' ? source : new TextDecoder().decode(source),
          },
        ]
      }
      return []
    }),
  )
}

describe('the verifier bundle', () => {
  it('has no server code and is under 200 KB gzipped, QR worker included', async () => {
    const pieces = await buildVerifier()
    const names = pieces.map((p) => p.name)
    expect(names.some((n) => n.includes('verify'))).toBe(true)
    expect(names.some((n) => n.includes('qr-worker'))).toBe(true)
    for (const piece of pieces) {
      for (const word of FORBIDDEN) {
        expect(piece.code.includes(word), `${piece.name} contains "${word}"`).toBe(false)
      }
    }
    const gzipped = pieces.reduce((n, p) => n + gzipSync(p.code).length, 0)
    console.log(
      `verifier bundle: ${pieces.length} files, ${pieces.reduce((n, p) => n + p.code.length, 0)} bytes, ${gzipped} bytes gzipped`,
    )
    expect(gzipped).toBeLessThan(LIMIT_GZIP)
  }, 120_000)
})
