/**
 * @module entry/worker-app
 * The app built once per isolate, not once per request: `createApp` registers every route and
 * its OpenAPI schema, about 20–45 ms of CPU each time (docs/PERFORMANCE.md, issue 19), which was
 * most of a Worker request's cost. Its per-request parts (database, ledger, key store: workerd
 * forbids sharing their I/O objects across requests) come from the request's own context through
 * AsyncLocalStorage: the app sees one context object whose properties are the current request's.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createApp } from '../http/app.ts'
import type { Db } from '../platform/db/index.ts'

type AppDeps = Parameters<typeof createApp>[0]
type App = ReturnType<typeof createApp>

const current = new AsyncLocalStorage<AppDeps>()

function store(): AppDeps {
  const deps = current.getStore()
  if (deps === undefined) throw new Error('no Worker request in progress')
  return deps
}

/**
 * What the app's construction reads as `db`: the hot-read cache (http/hot-reads.ts) is keyed by
 * the database object it is built with, and a Worker's database lives for one request, so the
 * cache never has anything to serve there (nor had it when the app was built per request); this
 * key, used for no I/O, keeps it empty rather than pinned to the first request's database.
 */
const NO_HOT_READS = Object.freeze({}) as Db

/** A context whose every property is read from the request in progress. */
function requestDeps(building: { now: boolean }): AppDeps {
  return new Proxy({} as AppDeps, {
    get: (_target, key) =>
      building.now && key === 'db' ? NO_HOT_READS : Reflect.get(store(), key),
    has: (_target, key) => Reflect.has(store(), key),
    ownKeys: () => Reflect.ownKeys(store()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(store(), key)
      return d === undefined ? undefined : { ...d, configurable: true }
    },
  })
}

let built: { key: string; app: App } | undefined

/**
 * Answers `request` with the isolate's app over this request's context `deps`. The app is built
 * again when what its construction reads changes (the recorded identity: `vigil identity
 * set-url`; the log level; the version).
 */
export function fetchWithApp(
  deps: AppDeps,
  request: Request,
  env: unknown,
  executionCtx: unknown,
): Promise<Response> {
  const key = [
    deps.config.publicUrl,
    deps.config.logOrigin,
    deps.config.bodyLimit,
    deps.config.logLevel,
    deps.version,
  ].join(' ')
  return current.run(deps, async () => {
    if (built?.key !== key) {
      const building = { now: true }
      const app = createApp(requestDeps(building))
      building.now = false
      built = { key, app }
    }
    return built.app.fetch(request, env as never, executionCtx as never)
  })
}
