export { type R2BucketLike, r2Store } from './r2.ts'
export {
  cacheControlOf,
  checkKey,
  contentTypeOf,
  type ObjectStore,
  type PutOptions,
} from './store.ts'
