/**
 * @module http/routes/pages
 * The surveillance pages: `/dashboard` → web/dist/dashboard.html (the page itself is public; its
 * data needs the epidemiologist role) and `/stats` → web/dist/stats.html (public statistics).
 * Served like `/verify` (routes/trust.ts): the assets binding on Workers, the static files
 * through the app again on Node, so the pages get the app's security headers.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import type { Dispatch } from './trust.ts'

const PAGES = ['dashboard', 'stats'] as const

export function surveillancePageRoutes(dispatch: Dispatch) {
  const app = new OpenAPIHono<AppEnv>()
  for (const name of PAGES) {
    app.get(`/${name}`, async (c: Context<AppEnv>) => {
      const assets = (c.env as { ASSETS?: { fetch(r: Request): Promise<Response> } } | undefined)
        ?.ASSETS
      if (assets !== undefined) return assets.fetch(new Request(new URL(`/${name}`, c.req.url)))
      const url = new URL(`/${name}.html`, c.req.url)
      return dispatch(new Request(url, { method: c.req.method, headers: c.req.raw.headers }))
    })
  }
  return app
}
