/** The Hono environment every route and middleware shares. */
import type { ServiceContext } from '../context.ts'

export type AppDeps = ServiceContext & {
  /** Shown by /healthz and in the OpenAPI document. */
  version: string
}

export interface AppEnv {
  Variables: {
    requestId: string
    deps: AppDeps
  }
}
