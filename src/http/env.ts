/** The Hono environment every route and middleware shares. */
import type { Actor, ServiceContext } from '../platform/context/index.ts'
import type { Ledger } from '../services/ledger/index.ts'

export type AppDeps = ServiceContext & {
  /** Shown by /healthz and in the OpenAPI document. */
  version: string
  /** The log writer: one per process, so concurrent appends share integration steps. */
  ledger?: Ledger
}

export interface AppEnv {
  Variables: {
    requestId: string
    deps: AppDeps
    /** Set by the authenticate() middleware; undefined for anonymous requests. */
    actor: Actor | undefined
  }
}
