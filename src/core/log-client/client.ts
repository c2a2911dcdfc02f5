/**
 * @module core/log-client/client
 * The one read-side client of a Vigil log's public API (src/http/routes/log.ts), for every
 * reader: the log page, the venue verifier, `vigil audit --url` and `vigil monitor`. Resource
 * paths are c2sp.org/tlog-tiles (hash tiles, entry bundles) and c2sp.org/tlog-checkpoint; the
 * lookup, listings and proofs are Vigil's own routes. The client fetches and parses; it verifies
 * nothing: every answer stays untrusted until core/merkle or core/note checks it against a signed
 * checkpoint.
 */
import type { CheckpointsPage, LogEntryView, LookupMatch } from '../api-types/index.ts'
import {
  decodeEntryBundle,
  entriesPath,
  HASH_SIZE,
  MerkleError,
  type Tile,
  type TileReader,
  tilePath,
} from '../merkle/index.ts'
import { checkpointsOf, entriesOf, matchesOf, proofOf } from './answers.ts'
import { LogClientError } from './errors.ts'
import { get, type LogFetch, readBytes, readJson, readText, responseTime } from './request.ts'

/** The log answers a lookup prefix of at most this many hex digits. */
export const MAX_LOOKUP_PREFIX_HEX = 6
const LOOKUP_PREFIX = new RegExp(`^[0-9a-f]{1,${MAX_LOOKUP_PREFIX_HEX}}$`)

export interface LookupAnswer {
  /** Every (leaf hash in hex, decimal index) under the prefix, as the log answered. */
  readonly matches: readonly LookupMatch[]
  /** POSIX seconds: when the log gave this answer (a cached bucket may predate a new entry). */
  readonly asOf?: number
}

export interface LogClient {
  /** The log's signed-note verifier key (`/log/key`), trimmed: pin it rather than trust it. */
  key(): Promise<string>
  /** The latest signed checkpoint note (`/log/checkpoint`) as served, cosignatures included. */
  checkpoint(): Promise<string>
  /** A page of the checkpoint chain, newest first, below tree size `before` when given. */
  checkpoints(query: { before?: bigint; limit: number }): Promise<CheckpointsPage>
  /** Up to `limit` entries from index `start`, as the server decodes them (`/log/entries`). */
  entries(start: bigint, limit: number): Promise<LogEntryView[]>
  /**
   * The k-anonymous bucket of a hex prefix (`/log/lookup/{prefix}`), or 'too-many' when the log
   * wants a longer prefix (it still refuses one beyond MAX_LOOKUP_PREFIX_HEX: that is an error).
   */
  lookup(prefix: string): Promise<LookupAnswer | 'too-many'>
  /** A hash tile's hashes: exactly width × 32 bytes (c2sp.org/tlog-tiles), else MERKLE_TILE_SIZE. */
  tile(tile: Tile): Promise<Uint8Array>
  /** The bytes served at a hash tile's path, unchecked: for an audit comparing them with its own. */
  tileBytes(tile: Tile): Promise<Uint8Array>
  /** Hash tiles in the order asked (one request each, in parallel), for core/merkle tileHashReader. */
  readTiles: TileReader
  /** The bytes served at an entry bundle's path (`tile/entries/<N>[.p/<W>]`), unchecked. */
  entryBundle(index: bigint, width: number): Promise<Uint8Array>
  /** An entry bundle's `width` entries (MERKLE_BUNDLE_* when the bytes are not such a bundle). */
  bundleEntries(index: bigint, width: number): Promise<Uint8Array[]>
  /** An RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>
  /** An RFC 9162 §2.1.4 consistency proof between two tree sizes. */
  consistencyProof(first: bigint, second: bigint): Promise<Uint8Array[]>
  /** The c2sp.org/tlog-proof receipt of leaf `index` against the latest checkpoint. */
  receipt(index: bigint): Promise<string>
  /** The same log API for shard `id` of the deployment (`/log/<id>/…`, docs/LEDGER.md "Shards"). */
  shard(id: number): LogClient
}

/**
 * A client of the log at `<url>/log/` (`url` is the deployment's address, '' for the page's own
 * origin). `fetch` does every request: a caching one in the verifier page, Node's in the CLI, a
 * Hono app's `request` in tests.
 */
export function createLogClient(url: string, fetch: LogFetch, prefix = 'log'): LogClient {
  const base = `${url.replace(/\/+$/, '')}/${prefix}/`
  const label = (path: string) => `/${prefix}/${path}`
  const request = (path: string) => get(fetch, `${base}${path}`, label(path))
  const text = async (path: string) => readText(await request(path), label(path))
  const bytes = async (path: string) => readBytes(await request(path), label(path))
  const json = async (path: string) => readJson(await request(path), label(path))
  const proof = async (path: string) => proofOf(await json(path), label(path))

  async function tile(t: Tile): Promise<Uint8Array> {
    const path = tilePath(t)
    const hashes = await bytes(path)
    // tlog-tiles: a tile of width W is exactly W hashes; anything else is not that tile.
    if (hashes.length !== t.width * HASH_SIZE)
      throw new MerkleError('MERKLE_TILE_SIZE', `${path} is not ${t.width} hashes`, { field: path })
    return hashes
  }

  return {
    key: async () => (await text('key')).trim(),
    checkpoint: () => text('checkpoint'),
    async checkpoints({ before, limit }) {
      const path = `checkpoints?limit=${limit}${before === undefined ? '' : `&before=${before}`}`
      return checkpointsOf(await json(path), label(path))
    },
    async entries(start, limit) {
      const path = `entries?start=${start}&limit=${limit}`
      return entriesOf(await json(path), label(path))
    },
    async lookup(prefix) {
      // Only a bucket is ever sent; the caller holds the hash (k-anonymity).
      if (!LOOKUP_PREFIX.test(prefix))
        throw new RangeError(
          `a lookup prefix is 1 to ${MAX_LOOKUP_PREFIX_HEX} lower-case hex digits`,
        )
      const path = `lookup/${prefix}`
      let res: Response
      try {
        res = await request(path)
      } catch (err) {
        // The log answers 400 naming `prefix` when a bucket holds more leaves than it lists.
        const full = err instanceof LogClientError && err.status === 400 && err.field === 'prefix'
        if (full && prefix.length < MAX_LOOKUP_PREFIX_HEX) return 'too-many'
        throw err
      }
      const matches = matchesOf(await readJson(res, label(path)), label(path))
      const asOf = responseTime(res)
      return asOf === undefined ? { matches } : { matches, asOf }
    },
    tile,
    tileBytes: (t) => bytes(tilePath(t)),
    readTiles: (tiles) => Promise.all(tiles.map(tile)),
    entryBundle: (index, width) => bytes(entriesPath(index, width)),
    async bundleEntries(index, width) {
      return decodeEntryBundle(await bytes(entriesPath(index, width)), width)
    },
    inclusionProof: (index, size) => proof(`proof/inclusion?index=${index}&size=${size}`),
    consistencyProof: (first, second) => proof(`proof/consistency?first=${first}&second=${second}`),
    receipt: (index) => text(`receipt?index=${index}`),
    shard: (id) => createLogClient(url, fetch, `log/${id}`),
  }
}

/**
 * Whether `url` is a hash tile or entry bundle of a Vigil log (`/log/tile/…`, or a shard's
 * `/log/<id>/tile/…`): what a reader may keep by URL. Tiles are immutable at a shard's own paths;
 * `/log/tile/…` is the active shard's, which after `vigil log rotate` names another shard's tile
 * (docs/LEDGER.md "Shards"): a reader that keeps tiles reads a sharded log at `/log/<id>/`.
 */
export function isTileUrl(url: string): boolean {
  return /\/log\/(?:[1-9][0-9]{0,4}\/)?tile\//.test(url)
}
