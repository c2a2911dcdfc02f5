/**
 * @module http/error-page
 * Errors for people: a browser that asks for a page (`Accept` prefers `text/html`, RFC 9110
 * §12.5.1) outside `/api/` gets a small HTML page in English or Spanish (`Accept-Language`, RFC
 * 9110 §12.5.4) with a link home and the code and request id to quote. API clients, and any
 * client that does not prefer HTML, keep RFC 9457 problem+json.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './env.ts'
import { problemResponse } from './problem.ts'

type Lang = 'en' | 'es'

/** Each media range (or language tag) with its weight; a missing or bad `q` counts as 1. */
function weights(header: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';')
    if (range === '') continue
    let q = 1
    for (const p of params) {
      const [k, v] = p.trim().split('=')
      if (k === 'q') {
        const n = Number(v)
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0
      }
    }
    // The first occurrence of a range wins, as a client listing it twice is ambiguous anyway.
    if (!out.has(range)) out.set(range, q)
  }
  return out
}

/**
 * True when the client names `text/html` and weighs it above every JSON type it names: what
 * browsers send for a navigation. `*\/*` alone, or JSON weighed as high, stays problem+json.
 */
export function prefersHtml(accept: string | undefined, path: string): boolean {
  if (accept === undefined || path === '/api' || path.startsWith('/api/')) return false
  const w = weights(accept)
  const html = w.get('text/html') ?? 0
  const json = Math.max(w.get('application/json') ?? 0, w.get('application/problem+json') ?? 0)
  return html > 0 && html > json
}

/** English unless the client weighs Spanish higher (a tag `es` or `es-*`). */
export function pageLang(acceptLanguage: string | undefined): Lang {
  if (acceptLanguage === undefined) return 'en'
  let best: Lang = 'en'
  let top = 0
  for (const [tag, q] of weights(acceptLanguage)) {
    const base = tag.split('-')[0]
    if ((base === 'en' || base === 'es') && q > top) {
      best = base
      top = q
    }
  }
  return best
}

const TEXT: Record<Lang, Record<'title' | 'home' | 'quote' | 'code' | 'request', string>> & {
  headings: Record<Lang, Record<number, string>>
} = {
  en: {
    title: 'Something went wrong',
    home: 'Go to the home page',
    quote: 'If you ask for help, quote these:',
    code: 'code',
    request: 'request id',
  },
  es: {
    title: 'Algo salió mal',
    home: 'Ir a la página de inicio',
    quote: 'Si pide ayuda, indique estos datos:',
    code: 'código',
    request: 'id de la solicitud',
  },
  headings: {
    en: {
      400: 'This request could not be understood',
      401: 'Please sign in first',
      403: 'You may not open this page',
      404: 'There is no page at this address',
      405: 'This address does not accept that kind of request',
      413: 'What was sent is too large',
      429: 'Too many requests: please wait a moment and try again',
      503: 'The service is busy or restarting: please try again shortly',
    },
    es: {
      400: 'No se pudo entender esta solicitud',
      401: 'Inicie sesión primero',
      403: 'No puede abrir esta página',
      404: 'No hay ninguna página en esta dirección',
      405: 'Esta dirección no acepta ese tipo de solicitud',
      413: 'Lo enviado es demasiado grande',
      429: 'Demasiadas solicitudes: espere un momento y vuelva a intentarlo',
      503: 'El servicio está ocupado o reiniciándose: inténtelo de nuevo en breve',
    },
  },
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  )

/** The pages' look in a few lines (web/src/base.css is a hashed asset the server cannot name). */
const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}' +
  'small{color:#555;overflow-wrap:anywhere}a{color:#1a4fa3}'

export function renderErrorPage(
  lang: Lang,
  status: number,
  code: string,
  requestId: string | undefined,
): string {
  const t = TEXT[lang]
  const heading = TEXT.headings[lang][status] ?? t.title
  const small = [`${t.code} ${escapeHtml(code)}`, `HTTP ${status}`]
  if (requestId !== undefined) small.push(`${t.request} ${escapeHtml(requestId)}`)
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} — Vigil</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(heading)}</h1>
<p><a href="/">${escapeHtml(t.home)}</a></p>
<p><small>${escapeHtml(t.quote)} ${small.join(' · ')}</small></p>
</main>
</body>
</html>
`
}

/**
 * The one way not-found and onError answer: problem+json, or the HTML page for a browser. The
 * extra headers (`Allow`, `Retry-After`) are kept either way.
 */
export function respondError(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  extra: {
    field?: string | undefined
    instance?: string
    requestId?: string | undefined
    headers?: Record<string, string>
    members?: Readonly<Record<string, number>> | undefined
  },
): Response {
  const asked = c.req.raw.headers
  if (!prefersHtml(asked.get('accept') ?? undefined, new URL(c.req.url).pathname))
    return problemResponse(status, code, detail, extra)
  const lang = pageLang(asked.get('accept-language') ?? undefined)
  const headers = new Headers(extra.headers)
  headers.set('content-type', 'text/html; charset=utf-8')
  headers.set('cache-control', 'no-store')
  headers.set('content-language', lang)
  // The answer depends on these request headers (RFC 9110 §12.5.5).
  headers.set('vary', 'Accept, Accept-Language')
  return new Response(renderErrorPage(lang, status, code, extra.requestId), { status, headers })
}
