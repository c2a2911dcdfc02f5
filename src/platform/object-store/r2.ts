/**
 * @module platform/object-store/r2
 * The published copy in a Cloudflare R2 bucket (a Worker's R2Bucket binding). An R2 put is
 * atomic and strongly consistent once it resolves (developers.cloudflare.com/r2/reference/
 * consistency), so a read-back after it sees the object or the put failed. Only the methods used
 * are typed here, so the Node build needs no Workers types.
 */
import { cacheControlOf, checkKey, contentTypeOf, type ObjectStore } from './store.ts'

/** The slice of R2Bucket (workers-types) the store uses. */
export interface R2BucketLike {
  put(
    key: string,
    value: Uint8Array,
    options?: { httpMetadata?: { contentType?: string; cacheControl?: string } },
  ): Promise<unknown>
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>
  head(key: string): Promise<{ size: number } | null>
}

export function r2Store(bucket: R2BucketLike, name = 'r2'): ObjectStore {
  return {
    name,
    async put(key, bytes, options) {
      checkKey(key)
      await bucket.put(key, bytes, {
        httpMetadata: { contentType: contentTypeOf(key), cacheControl: cacheControlOf(options) },
      })
    },
    async get(key) {
      checkKey(key)
      const object = await bucket.get(key)
      return object === null ? undefined : new Uint8Array(await object.arrayBuffer())
    },
    async head(key) {
      checkKey(key)
      const object = await bucket.head(key)
      return object === null ? undefined : { size: object.size }
    },
  }
}
