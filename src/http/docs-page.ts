/**
 * @module http/docs-page
 * A readable API reference rendered on the server from the OpenAPI document: no script, no CDN,
 * works offline and with a screen reader. (Swagger UI and Scalar each ship megabytes of script
 * and fetch from CDNs or carry telemetry; this is what a reader needs.)
 */
type Json = Record<string, unknown>

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function schemaText(schema: unknown, doc: Json): string {
  if (schema === undefined) return ''
  const resolved = resolveRef(schema, doc)
  return JSON.stringify(resolved, null, 2)
}

function resolveRef(schema: unknown, doc: Json, depth = 0): unknown {
  if (depth > 6 || typeof schema !== 'object' || schema === null) return schema
  if (Array.isArray(schema)) return schema.map((s) => resolveRef(s, doc, depth + 1))
  const ref = (schema as Json).$ref
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length)
    const components = (doc.components as Json | undefined)?.schemas as Json | undefined
    return resolveRef(components?.[name], doc, depth + 1)
  }
  return Object.fromEntries(
    Object.entries(schema as Json).map(([k, v]) => [k, resolveRef(v, doc, depth + 1)]),
  )
}

function operationHtml(method: string, path: string, op: Json, doc: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? []
  const body = ((op.requestBody as Json | undefined)?.content as Json | undefined) ?? {}
  const responses = (op.responses as Json | undefined) ?? {}
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-')
  return `<section class="op" id="${esc(id)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}
${
  params.length === 0
    ? ''
    : `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>description</th></tr></thead><tbody>${params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${esc(p.description)}</td></tr>`,
        )
        .join('')}</tbody></table>`
}${Object.entries(body)
  .map(
    ([type, media]) =>
      `<h4>Request body <code>${esc(type)}</code></h4><pre>${esc(schemaText((media as Json).schema, doc))}</pre>`,
  )
  .join('')}
<h4>Responses</h4><dl>${Object.entries(responses)
    .map(([status, r]) => `<dt>${esc(status)}</dt><dd>${esc((r as Json).description)}</dd>`)
    .join('')}</dl>
</section>`
}

export function renderDocsPage(doc: Json): string {
  const info = (doc.info as Json | undefined) ?? {}
  const paths = (doc.paths as Record<string, Json> | undefined) ?? {}
  const ops: { tag: string; html: string; method: string; path: string }[] = []
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = String(((op as Json).tags as string[] | undefined)?.[0] ?? 'other')
      ops.push({ tag, method, path, html: operationHtml(method, path, op as Json, doc) })
    }
  }
  const tags = [...new Set(ops.map((o) => o.tag))].sort()
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} API reference</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto;font-size:13px}
.op{border-top:1px solid #ccc;padding:.5rem 0}.method{display:inline-block;min-width:4.5rem;font-weight:700}
.get{color:#05603a}.post{color:#1849a9}.put,.patch{color:#93370d}.delete{color:#b42318}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
</style></head><body>
<header><h1>${esc(info.title)} API reference</h1><p>${esc(info.description)}</p>
<p>Version ${esc(info.version)} · machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}) · errors are <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a> problem+json with a stable <code>code</code>.</p></header>
<nav aria-label="Sections"><ul>${tags.map((t) => `<li><a href="#tag-${esc(t)}">${esc(t)}</a></li>`).join('')}</ul></nav>
<main>${tags
    .map(
      (t) =>
        `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops
          .filter((o) => o.tag === t)
          .map((o) => o.html)
          .join('')}`,
    )
    .join('')}</main></body></html>`
}
