/**
 * @module core/verify/http-source
 * The ledger of a Vigil deployment over its public log API (src/http/routes/log.ts): the
 * k-anonymous lookup `/log/lookup/{prefix}`, hash tiles `/log/tile/…` (c2sp.org/tlog-tiles) and
 * `/log/checkpoint`, `/log/proof/consistency`. The fetch function is passed in (the page gives one that caches, tests give
 * the app's own), so this stays free of I/O of its own.
 */
import { fromBase64 } from '../codec/index.ts'
import { tilePath } from '../merkle/index.ts'
import type { LedgerSource, LookupAnswer } from './ledger.ts'

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>

/** An HTTP failure with the problem+json `code` when the server gave one. */
export class LedgerHttpError extends Error {
  readonly status: number
  readonly code: string | undefined
  readonly field: string | undefined

  constructor(url: string, status: number, problem: { code?: unknown; field?: unknown }) {
    super(`${url.split('?')[0]} answered ${status}`)
    this.name = 'LedgerHttpError'
    this.status = status
    this.code = typeof problem.code === 'string' ? problem.code : undefined
    this.field = typeof problem.field === 'string' ? problem.field : undefined
  }
}

async function checked(fetcher: Fetcher, url: string): Promise<Response> {
  const res = await fetcher(url)
  if (res.ok) return res
  let problem: { code?: unknown; field?: unknown } = {}
  try {
    problem = (await res.json()) as typeof problem
  } catch {}
  throw new LedgerHttpError(url, res.status, problem)
}

/** The `Date` header as POSIX seconds (when the log answered, even for a cached copy). */
export function responseTime(res: Response): number | undefined {
  const date = res.headers.get('date')
  const ms = date === null ? Number.NaN : Date.parse(date)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}

/** `base` is the deployment URL (or '' for the page's own origin), without a trailing slash. */
export function httpLedgerSource(base: string, fetcher: Fetcher): LedgerSource {
  return {
    async lookup(prefix): Promise<LookupAnswer | 'too-many'> {
      let res: Response
      try {
        res = await checked(fetcher, `${base}/log/lookup/${prefix}`)
      } catch (err) {
        // The log asks for a longer prefix when a bucket holds too many entries.
        if (err instanceof LedgerHttpError && err.status === 400 && err.field === 'prefix') {
          return 'too-many'
        }
        throw err
      }
      const body = (await res.json()) as { matches?: LookupAnswer['matches'] }
      if (!Array.isArray(body.matches)) throw new TypeError('the lookup answer has no matches')
      const asOf = responseTime(res)
      return asOf === undefined ? { matches: body.matches } : { matches: body.matches, asOf }
    },
    readTiles: (tiles) =>
      Promise.all(
        tiles.map(async (tile) => {
          const res = await checked(fetcher, `${base}/log/${tilePath(tile)}`)
          return new Uint8Array(await res.arrayBuffer())
        }),
      ),
    async latestCheckpoint() {
      return (await checked(fetcher, `${base}/log/checkpoint`)).text()
    },
    async consistencyProof(first, second) {
      const url = `${base}/log/proof/consistency?first=${first}&second=${second}`
      const body = (await (await checked(fetcher, url)).json()) as { proof?: unknown }
      if (!Array.isArray(body.proof)) throw new TypeError('the consistency answer has no proof')
      return body.proof.map((h) => fromBase64(String(h)))
    },
  }
}
