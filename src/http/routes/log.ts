/**
 * The public log API (c2sp.org/tlog-tiles paths under /log/, plus proofs and lookups). Everything
 * but the checkpoint is immutable once it exists, so it is served with immutable cache headers and
 * a CDN can carry the read load.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { toBase64 } from '../../core/codec/index.ts'
import { MerkleError, parseEntriesPath, parseTilePath } from '../../core/merkle/index.ts'
import { logVerifierKey } from '../../platform/keys/index.ts'
import { shardStore } from '../../platform/object-store/index.ts'
import {
  activeLogKey,
  activeShard,
  consistencyProof,
  etagOf,
  inclusionProof,
  listCheckpoints,
  listEntries,
  lookupPrefix,
  peekFullTile,
  readBundle,
  readTile,
  receiptFor,
  rememberPublished,
  servedCheckpoint,
  witnessStatus,
} from '../../services/ledger/index.ts'
import { notModified } from '../conditional.ts'
import type { AppDeps, AppEnv } from '../env.ts'
import { jsonResponse } from '../openapi.ts'
import { logIndex, MAX_INT8 } from '../params.ts'
import { ProblemError } from '../problem.ts'

const IMMUTABLE = 'public, max-age=31536000, immutable'

const Proof = z.array(z.string()).openapi({ description: 'standard base64 SHA-256 hashes' })
const text = (description: string) => ({
  description,
  content: { 'text/plain': { schema: z.string() } },
})

/**
 * tlog-tiles allows tile indices up to 2^64−1; the database holds 2^63−1, and a log of at most
 * that many entries has no tile beyond it, so a larger index is a client's mistake.
 */
function storableTileIndex(index: bigint, path: string): void {
  if (index > MAX_INT8)
    throw new ProblemError(400, 'VALIDATION', `${path.slice(0, 80)}: tile index above 2^63-1`, {
      field: 'path',
    })
}

/**
 * A tile or bundle from the published copy (docs/LEDGER.md "Published copy") when one is
 * configured; undefined sends the request on to the database (not published yet, a malformed
 * path for the strict parser below to refuse, or a store that failed to answer). The checkpoint
 * stays the database's: it is the freshest signed head, and receipts are made against it.
 */
async function fromPublished(ctx: AppDeps, path: string): Promise<Uint8Array | undefined> {
  // What memory holds is answered from there (below), faster than any store.
  if (ctx.published === undefined || peekFullTile(ctx.db, path) !== undefined) return undefined
  try {
    if (path.startsWith('tile/entries/')) parseEntriesPath(path)
    else parseTilePath(path)
    // The copy holds every shard, each under its own prefix (platform/object-store shardStore).
    const shard = ctx.logShard ?? (await activeShard(ctx.db))?.id ?? 1
    const bytes = await shardStore(ctx.published.store, shard).get(path)
    if (bytes !== undefined) rememberPublished(ctx.db, path, bytes)
    return bytes
  } catch (e) {
    if (!(e instanceof MerkleError))
      ctx.logger.warn('published copy unreadable: serving from the database', { error: String(e) })
    return undefined
  }
}

export function logRoutes() {
  const app = new OpenAPIHono<AppEnv>()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/checkpoint',
      tags: ['log'],
      summary:
        'The latest signed checkpoint (c2sp.org/tlog-checkpoint) with the witness cosignatures collected so far; the only mutable resource',
      responses: {
        200: text('a signed note'),
        304: { description: 'the client holds it already (If-None-Match)' },
      },
    }),
    async (c) => {
      const latest = await servedCheckpoint(c.get('ctx'))
      // At most CHECKPOINT_MAX_AGE_MS (1 s) older than the database's, plus these 2 s.
      return notModified(c, latest.etag, 'public, max-age=2') ?? c.text(latest.text, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/witnesses',
      tags: ['log'],
      summary:
        'Witness status: the k-of-n policy, which witnesses cosigned the latest checkpoint, whether it meets the policy',
      responses: {
        200: jsonResponse(
          'witness status',
          z.object({
            size: z.string(),
            quorum: z.number(),
            met: z.boolean(),
            metSize: z.string().optional(),
            witnesses: z.array(
              z.object({
                name: z.string(),
                url: z.string(),
                vkey: z.string(),
                signedLatest: z.boolean(),
                lastSize: z.string().optional(),
              }),
            ),
          }),
        ),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json(await witnessStatus(c.get('ctx')), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/key',
      tags: ['log'],
      summary: "The log's signed-note verifier key (name+hex+base64)",
      responses: { 200: text('vkey') },
    }),
    async (c) => {
      // The active shard's key, named for its origin (docs/LEDGER.md "Shards"); read from the
      // database so a process that has not followed a rotation yet serves the right one.
      const { key, origin } = await activeLogKey(c.get('ctx'))
      const vkey = logVerifierKey(key, origin)
      c.header('cache-control', 'public, max-age=300')
      return c.text(`${vkey}\n`, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/published',
      tags: ['log'],
      summary:
        "The published static copy's status: size published, last failure, last scheduled audit and its first finding (docs/LEDGER.md)",
      responses: {
        200: jsonResponse(
          'status',
          z.object({
            configured: z.boolean(),
            store: z.string().optional(),
            size: z.string().optional(),
            publishedAt: z.string().optional(),
            error: z
              .object({
                code: z.string(),
                key: z.string().optional(),
                message: z.string(),
                at: z.string(),
              })
              .optional(),
            audit: z
              .object({
                at: z.string(),
                ok: z.boolean(),
                size: z.string(),
                entries: z.string(),
                finding: z
                  .object({ code: z.string(), at: z.string(), message: z.string() })
                  .optional(),
              })
              .optional(),
          }),
        ),
      },
    }),
    (c) => {
      c.header('cache-control', 'no-store')
      const published = c.get('ctx').published
      if (published === undefined) return c.json({ configured: false }, 200)
      return c.json({ configured: true, ...published.status() }, 200)
    },
  )

  // tlog-tiles resources: paths with slashes, so a wildcard route parsed by the strict core parser.
  app.get('/log/tile/*', async (c) => {
    const ctx = c.get('ctx')
    const path = c.req.path.slice('/log/'.length)
    const published = await fromPublished(ctx, path)
    if (published !== undefined)
      return (
        notModified(c, etagOf(published), IMMUTABLE) ??
        c.body(published as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/octet-stream',
        })
      )
    if (path.startsWith('tile/entries/')) {
      const entries = parseEntriesPath(path)
      storableTileIndex(entries.index, path)
      const bundle = await readBundle(ctx, entries)
      if (bundle === undefined)
        throw new ProblemError(404, 'TILE_NOT_FOUND', `${path} does not exist (yet)`)
      return (
        notModified(c, bundle.etag, IMMUTABLE) ??
        c.body(bundle.bytes as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/octet-stream',
        })
      )
    }
    const tile = parseTilePath(path)
    storableTileIndex(tile.index, path)
    const hashes = await readTile(ctx, tile)
    if (hashes === undefined)
      throw new ProblemError(404, 'TILE_NOT_FOUND', `${path} does not exist (yet)`)
    return (
      notModified(c, hashes.etag, IMMUTABLE) ??
      c.body(hashes.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/octet-stream',
      })
    )
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/log/tile/{path}',
    tags: ['log'],
    summary:
      'Hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>] (c2sp.org/tlog-tiles)',
    responses: {
      200: { description: 'immutable bytes' },
      304: { description: 'the client holds them already (If-None-Match)' },
      404: { description: 'not (yet) in the log' },
    },
  })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/proof/inclusion',
      tags: ['log'],
      summary: 'RFC 9162 inclusion proof for a leaf index in a tree size (default: the latest)',
      request: { query: z.object({ index: logIndex('index'), size: logIndex('size').optional() }) },
      responses: {
        200: jsonResponse(
          'the proof',
          z.object({ index: z.string(), size: z.string(), proof: Proof }),
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const p = await inclusionProof(c.get('ctx'), q)
      if (q.size !== undefined) c.header('cache-control', IMMUTABLE)
      return c.json(
        { index: String(p.index), size: String(p.size), proof: p.proof.map(toBase64) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/proof/consistency',
      tags: ['log'],
      summary: 'RFC 9162 consistency proof between two tree sizes (second default: the latest)',
      request: {
        query: z.object({ first: logIndex('first'), second: logIndex('second').optional() }),
      },
      responses: {
        200: jsonResponse(
          'the proof',
          z.object({ first: z.string(), second: z.string(), proof: Proof }),
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const p = await consistencyProof(c.get('ctx'), q)
      if (q.second !== undefined) c.header('cache-control', IMMUTABLE)
      return c.json(
        { first: String(p.first), second: String(p.second), proof: p.proof.map(toBase64) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/receipt',
      tags: ['log'],
      summary: 'A c2sp.org/tlog-proof@v1 receipt for a leaf index against the latest checkpoint',
      request: { query: z.object({ index: logIndex('index') }) },
      responses: { 200: text('tlog-proof') },
    }),
    async (c) => {
      return c.text(await receiptFor(c.get('ctx'), c.req.valid('query').index), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/lookup/{prefix}',
      tags: ['log'],
      summary:
        'k-anonymous lookup: every (leaf hash, index) whose leaf hash starts with a short hex prefix',
      request: { params: z.object({ prefix: z.string().max(64).openapi({ example: 'a3f' }) }) },
      responses: {
        200: jsonResponse(
          'matches',
          z.object({
            prefix: z.string(),
            matches: z.array(z.object({ leafHash: z.string(), index: z.string() })),
          }),
        ),
      },
    }),
    async (c) => {
      const { prefix } = c.req.valid('param')
      const matches = await lookupPrefix(c.get('ctx'), prefix)
      c.header('cache-control', 'public, max-age=10')
      return c.json(
        { prefix, matches: matches.map((m) => ({ leafHash: m.leafHash, index: String(m.index) })) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/checkpoints',
      tags: ['log'],
      summary: 'The checkpoint chain, newest first, paged by `before` (a tree size)',
      request: {
        query: z.object({
          before: logIndex('before').optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          'a page of checkpoints',
          z.object({
            checkpoints: z.array(
              z.object({
                size: z.string(),
                note: z.string(),
                hash: z.string(),
                createdAt: z.string(),
              }),
            ),
            next: z.string().optional(),
          }),
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const rows = await listCheckpoints(c.get('ctx'), q)
      const last = rows.at(-1)
      return c.json(
        {
          checkpoints: rows.map((r) => ({
            size: String(r.size),
            note: r.note,
            hash: toBase64(r.noteHash),
            createdAt: r.createdAt.toISOString(),
          })),
          ...(rows.length === q.limit && last !== undefined && last.size > 0n
            ? { next: String(last.size) }
            : {}),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/log/entries',
      tags: ['log'],
      summary:
        'Decoded entries (kind, artefact hash, key id, hour) by index range: no personal data',
      request: {
        query: z.object({
          start: logIndex('start'),
          limit: z.coerce.number().int().min(1).max(256).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          'entries',
          z.object({
            entries: z.array(
              z.object({
                index: z.string(),
                leafHash: z.string(),
                kind: z.string(),
                artefactHash: z.string(),
                keyId: z.string(),
                time: z.string(),
              }),
            ),
          }),
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      // The last index asked for must be storable too: start + limit − 1 ≤ 2^63−1.
      const room = MAX_INT8 - q.start + 1n
      const limit = room < BigInt(q.limit) ? Number(room) : q.limit
      const entries = await listEntries(c.get('ctx'), { start: q.start, limit })
      return c.json({ entries: entries.map((e) => ({ ...e, index: String(e.index) })) }, 200)
    },
  )

  return app
}
