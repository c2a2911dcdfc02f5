/**
 * @module http/app
 * `createApp(deps)`: the one runtime-agnostic Hono app (docs/ARCHITECTURE.md). Entry files
 * build the dependencies; routes stay thin (parse → one service call → respond).
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { isLoopbackIssuer } from '../services/credentials/index.ts'
import { inclusionProof } from '../services/ledger/index.ts'
import { INTEGRITY_POLICY, PAGE_CSP, serializeCsp, verifierCsp } from './csp.ts'
import { renderDocsPage } from './docs-page.ts'
import type { AppDeps, AppEnv } from './env.ts'
import { handleError } from './errors.ts'
import { HotReads } from './hot-reads.ts'
import { accessLog } from './middleware/access-log.ts'
import { authenticate } from './middleware/auth.ts'
import { bodyLimit } from './middleware/body-limit.ts'
import { originCheck } from './middleware/origin.ts'
import { publicCors, setResponseHeader } from './middleware/response-headers.ts'
import { sessionActor } from './middleware/session.ts'
import { notFoundHandler } from './not-found.ts'
import { ProblemError } from './problem.ts'
import { alertRoutes } from './routes/alerts.ts'
import { auditRoutes } from './routes/audit.ts'
import { credentialRoutes } from './routes/credentials.ts'
import { dccTrustRoutes } from './routes/dcc-trust.ts'
import { exposureRoutes } from './routes/exposure.ts'
import { exposureExportRoutes } from './routes/exposure-export.ts'
import { healthRoutes } from './routes/health.ts'
import { keyRoutes } from './routes/keys.ts'
import { logRoutes } from './routes/log.ts'
import { logShardRoutes } from './routes/log-shards.ts'
import { surveillancePageRoutes } from './routes/pages.ts'
import { releaseRoutes } from './routes/release.ts'
import { shlRoutes } from './routes/shl.ts'
import { staffRoutes } from './routes/staff.ts'
import { staffAdminRoutes } from './routes/staff-admin.ts'
import { surveillanceRoutes } from './routes/surveillance.ts'
import { surveillanceMapRoutes } from './routes/surveillance-maps.ts'
import { surveillanceViewRoutes } from './routes/surveillance-view.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { pageRoutes, trustRoutes } from './routes/trust.ts'
import { wellKnownRoutes } from './routes/well-known.ts'
import { validationHook } from './validation.ts'

export interface AppOptions {
  /** Serves web/dist on Node; on Workers the assets binding does it before the app runs. */
  staticFiles?: MiddlewareHandler
  /** Log each request (off in tests to keep output readable). */
  accessLog?: boolean
}

/** The verifier page and its HTML file (`/verify` is served from `/verify.html`). */
const VERIFIER_PAGES = new Set(['/verify', '/verify.html'])

/**
 * One strict policy for every response, the verifier page's with a wider connect-src
 * (src/http/csp.ts, the same text the release manifest records), and the Integrity-Policy.
 */
function pageSecurityHeaders(publicUrl: string): MiddlewareHandler {
  const permissionsPolicy = { camera: ['self'], microphone: [], geolocation: [] }
  const headers = secureHeaders({ contentSecurityPolicy: undefined, permissionsPolicy })
  const strict = serializeCsp(PAGE_CSP)
  const verifier = serializeCsp(verifierCsp(isLoopbackIssuer(publicUrl)))
  return async (c, next) => {
    await headers(c, next)
    // On the response as it is (middleware/response-headers.ts says why).
    setResponseHeader(
      c,
      'Content-Security-Policy',
      VERIFIER_PAGES.has(c.req.path) ? verifier : strict,
    )
    // The browser refuses any script without integrity metadata (every built page carries SRI,
    // web/build/release.ts), so a tampered or injected script tag does not run.
    setResponseHeader(c, 'Integrity-Policy', INTEGRITY_POLICY)
  }
}

const OPENAPI_INFO = {
  title: 'Vigil',
  description:
    'Public-health credentials anchored in a transparency log, offline venue verification, privacy-preserving exposure reports and protected dashboards.',
}

export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never })

  app.use(requestId())
  app.use(async function requestContext(c, next) {
    // Each request gets its own copy: its id now, its actor once authenticate() has run.
    c.set('ctx', { ...deps, actor: undefined, role: undefined, requestId: c.get('requestId') })
    await next()
  })
  if (options.accessLog !== false) app.use(accessLog())
  app.use(pageSecurityHeaders(deps.config.publicUrl))
  app.use(
    bodyLimit({
      maxSize: deps.config.bodyLimit,
      onError: () => {
        throw new ProblemError(
          413,
          'PAYLOAD_TOO_LARGE',
          `the body exceeds ${deps.config.bodyLimit} bytes`,
          {
            field: 'body',
          },
        )
      },
    }),
  )
  // Public, read-only documents that other origins (verifier apps, monitors) must be able to read.
  for (const path of [
    '/openapi.json',
    '/api/keys',
    '/log/*',
    '/.well-known/*',
    '/exposure/*',
    '/api/public/*',
    '/release/*',
  ]) {
    app.use(path, publicCors({ allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86400 }))
  }
  // SMART Health Links are opened by receiving applications on any origin (IG §Manifest
  // Request: a POST with a JSON body, so a preflight).
  app.use(
    '/shl/*',
    publicCors({
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type'],
      exposeHeaders: ['retry-after'],
      maxAge: 86400,
    }),
  )
  app.use('/trust/*', publicCors({ allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86400 }))

  app.use(originCheck())
  app.use(authenticate({ session: sessionActor }))
  app.route('/', healthRoutes())
  app.route('/', keyRoutes())
  app.route('/', logRoutes())
  app.route('/', logShardRoutes())
  app.route('/', tokenRoutes())
  app.route('/', credentialRoutes())
  app.route('/', wellKnownRoutes())
  app.route('/', staffRoutes())
  app.route('/', staffAdminRoutes())
  app.route('/', auditRoutes())
  app.route('/', exposureRoutes())
  app.route('/', exposureExportRoutes())
  app.route('/', surveillanceRoutes())
  app.route('/', surveillanceMapRoutes())
  app.route('/', surveillanceViewRoutes())
  app.route('/', alertRoutes())
  app.route('/', trustRoutes())
  app.route('/', dccTrustRoutes())
  app.route('/', releaseRoutes())
  app.route('/', shlRoutes())
  app.route(
    '/',
    pageRoutes((request) => app.fetch(request)),
  )
  app.route(
    '/',
    surveillancePageRoutes((request) => app.fetch(request)),
  )

  const documentConfig = {
    openapi: '3.1.0',
    info: { ...OPENAPI_INFO, version: deps.version },
    servers: [{ url: deps.config.publicUrl }],
  }
  app.doc31('/openapi.json', documentConfig)
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document(documentConfig) as never)))

  if (options.staticFiles !== undefined) {
    const serve = options.staticFiles
    app.use(async function staticFiles(c, next) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next()
      return serve(c, next)
    })
  }
  app.notFound(notFoundHandler(app))
  app.onError(handleError)
  // The log's hot reads from memory skip routing and the per-request work above (issue 23).
  const hotReads = new HotReads(deps.db, (index) => inclusionProof({ db: deps.db }, { index }))
  app.fetch = hotReads.wrap(app.fetch)
  // Node's entry answers them before @hono/node-server's Request objects too (entry/node.ts).
  return Object.assign(app, { hotReads })
}

export type App = ReturnType<typeof createApp>
