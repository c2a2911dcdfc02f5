/**
 * A Worker for the workerd test of the published copy: POST /publish runs the cron publisher
 * (entry/worker-publish) into the local R2 bucket (with `?fail=<key>`, through a bucket whose
 * puts of that key fail, as an R2 outage would); GET /copy/<key> reads the bucket as a CDN in
 * front of it would; DELETE /copy/<key> removes an object (a tile lost from the bucket); PUT
 * /copy/<key> writes one (a marked copy, to tell the bucket's answer from the database's).
 */
import { type PublishEnv, scheduledPublish } from '../../src/entry/worker-publish.ts'
import type { R2BucketLike } from '../../src/platform/object-store/index.ts'

type Bucket = Omit<R2BucketLike, 'get'> & {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; body: ReadableStream } | null>
  delete(key: string): Promise<void>
}

function failing(bucket: Bucket, key: string): R2BucketLike {
  return {
    put: async (k, v, o) => {
      if (k === key) throw new Error(`injected R2 failure on ${k}`)
      return bucket.put(k, v, o)
    },
    get: (k) => bucket.get(k),
    head: (k) => bucket.head(k),
  }
}

export default {
  async fetch(
    request: Request,
    env: Omit<PublishEnv, 'VIGIL_PUBLISH'> & { VIGIL_PUBLISH: Bucket },
  ): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/publish' && request.method === 'POST') {
      const fail = url.searchParams.get('fail')
      const bucket = fail === null ? env.VIGIL_PUBLISH : failing(env.VIGIL_PUBLISH, fail)
      try {
        return Response.json(await scheduledPublish({ ...env, VIGIL_PUBLISH: bucket }))
      } catch (e) {
        return new Response(e instanceof Error ? (e.stack ?? e.message) : String(e), {
          status: 500,
        })
      }
    }
    if (url.pathname.startsWith('/copy/')) {
      const key = url.pathname.slice('/copy/'.length)
      if (request.method === 'PUT') {
        await env.VIGIL_PUBLISH.put(key, new Uint8Array(await request.arrayBuffer()))
        return new Response(null, { status: 204 })
      }
      if (request.method === 'DELETE') {
        await env.VIGIL_PUBLISH.delete(key)
        return new Response(null, { status: 204 })
      }
      const object = await env.VIGIL_PUBLISH.get(key)
      return object === null ? new Response(null, { status: 404 }) : new Response(object.body)
    }
    return new Response(null, { status: 404 })
  },
}
