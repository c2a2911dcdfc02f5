/**
 * The README's first steps, as a newcomer follows them: `npm start` in one terminal, and the
 * README's marked shell blocks pasted into another while it runs. The blocks are read from
 * README.md and run as written with `bash -euo pipefail` in the repository root; only the port
 * differs (`localhost:8787` becomes this test's port, in the text and in PORT) and the data
 * directory is a temporary one. Each step's visible effect is then checked through the server.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../helpers/server.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
/** The file the README's first block writes in the directory it runs in. */
const QR_FILE = join(ROOT, 'anne-qr.svg')

/** The shell blocks that follow `<!-- readme-test: NAME -->`, in order. */
function markedBlocks(name: string): string[] {
  const blocks: string[] = []
  const marker = new RegExp(
    `^<!-- readme-test: ${name} -->\\n\`\`\`(?:sh|bash)\\n([\\s\\S]*?)^\`\`\`$`,
    'gm',
  )
  for (const m of README.matchAll(marker)) blocks.push(m[1] as string)
  return blocks
}

/** A port in this campaign's range (27500–27999) that nothing listens on. */
async function portInRange(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 27500 + Math.floor(Math.random() * 500)
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error('no free port in 27500–27999')
}

interface ScriptRun {
  code: number | null
  /** Each block's stdout and stderr, in order. */
  steps: { stdout: string; stderr: string }[]
  /** The shell variables the blocks assigned, as they were at the end. */
  vars: Record<string, string>
  ms: number
}

const STEP = '@@readme-step'
/** The shell running the blocks, while it runs. */
let running: ChildProcess | undefined

/**
 * The blocks run one after another in one shell, as pasted into one terminal. The only lines
 * added: before each block, one that marks the step on both streams; after the last, ones that
 * write the variables the blocks assigned to files, for the checks.
 */
function runBlocks(blocks: string[], env: Record<string, string>, out: string): Promise<ScriptRun> {
  const names = [
    ...new Set([...blocks.join('\n').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string)),
  ]
  const script = [
    ...blocks.map((b, i) => `printf '\\n${STEP} ${i}\\n'; printf '\\n${STEP} ${i}\\n' >&2\n${b}`),
    ...names.map((n) => `printf '%s' "\${${n}-}" > '${join(out, n)}'`),
  ].join('\n')
  const started = performance.now()
  // Its own process group, so a run that outlives its limit is stopped with everything it started.
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  running = child
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => (stdout += d))
  child.stderr?.on('data', (d) => (stderr += d))
  const split = (text: string) => text.split(new RegExp(`\\n?${STEP} \\d+\\n`)).slice(1)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => {
      running = undefined
      const outs = split(stdout)
      const errs = split(stderr)
      const vars: Record<string, string> = {}
      for (const n of names)
        if (existsSync(join(out, n))) vars[n] = readFileSync(join(out, n), 'utf8')
      resolve({
        code,
        steps: outs.map((o, i) => ({ stdout: o, stderr: errs[i] ?? '' })),
        vars,
        ms: performance.now() - started,
      })
    })
  })
}

let server: RunningServer | undefined
const dir = mkdtempSync(join(tmpdir(), 'vigil-readme-'))
const out = mkdtempSync(join(tmpdir(), 'vigil-readme-vars-'))
// A QR file the developer made by following the README is put back afterwards.
const savedQr = existsSync(QR_FILE) ? readFileSync(QR_FILE) : undefined
let port = 0

beforeAll(async () => {
  port = await portInRange()
  // What `npm start` runs (checked below), without npm's own start-up.
  server = await startServer({ VIGIL_DATA_DIR: dir, PORT: String(port) })
}, 180_000)

afterAll(async () => {
  if (running?.pid !== undefined && running.exitCode === null) process.kill(-running.pid, 'SIGKILL')
  await server?.stop()
  if (savedQr !== undefined) writeFileSync(QR_FILE, savedQr)
  else rmSync(QR_FILE, { force: true })
  rmSync(dir, { recursive: true, force: true })
  rmSync(out, { recursive: true, force: true })
})

describe('README: first steps beside a running server, as written', () => {
  it('the server block is `npm start`, which runs `node bin/vigil.js serve`', () => {
    const [serve] = markedBlocks('serve')
    expect(serve).toMatch(/^npm start\b/m)
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.scripts.start).toBe('node bin/vigil.js serve')
  })

  it('every block runs as written, and each step does what the README says', async () => {
    const blocks = markedBlocks('flow')
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    expect(blocks.join('\n')).toContain('localhost:8787')
    const base = `http://localhost:${port}`
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
    // A newcomer's environment: no database, URL, origin or master key of their own.
    for (const k of [
      'DATABASE_URL',
      'PUBLIC_URL',
      'VIGIL_LOG_ORIGIN',
      'VIGIL_MASTER_KEY',
      'VIGIL_LOG_LEVEL',
    ])
      delete env[k]
    Object.assign(env, { PORT: String(port), VIGIL_DATA_DIR: dir })
    const run = await runBlocks(
      blocks.map((b) => b.replaceAll('localhost:8787', `localhost:${port}`)),
      env,
      out,
    )
    const transcript = run.steps
      .map((s, i) => `--- step ${i}\n${s.stdout}\n--- stderr\n${s.stderr}`)
      .join('\n')
    expect(run.code, transcript).toBe(0)
    expect(run.steps.length).toBe(blocks.length)
    // Every command joined the running server; none waited for the database.
    expect(transcript).not.toMatch(/waiting for .* to finish/)
    expect(server?.child.exitCode).toBeNull()

    const [issue, tokens, invite, demo, audit] = run.steps as ScriptRun['steps']
    const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

    // 1. The issuer token issued a card, which is in the log; its QR and passport link work.
    const token = run.vars.TOKEN ?? ''
    expect(token).toMatch(/^vgl_[a-z0-9]+_[\w-]+$/)
    const card = JSON.parse(run.vars.CARD ?? '{}')
    expect(card.existing).toBe(false) // a new card: the 201 of POST /api/credentials
    const got = await fetch(`${base}/api/credentials/${card.id}`, auth(token))
    expect(got.status).toBe(200)
    expect(((await got.json()) as { status: string }).status).toBe('active')
    const size = async () =>
      BigInt((await (await fetch(`${base}/log/checkpoint`)).text()).split('\n')[1] ?? '-1')
    expect(BigInt(card.leafIndex)).toBeLessThan(await size())
    expect(issue?.stdout).toContain(card.id)
    expect(readFileSync(QR_FILE, 'utf8')).toMatch(/^<svg /)
    const passport = issue?.stdout.trim().split('\n').at(-1) ?? ''
    expect(passport).toMatch(new RegExp(`^${base}/passport/${card.id}#k=[\\w-]+$`))
    const page = await fetch(passport)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const key = new URL(passport).hash.slice('#k='.length)
    const held = await fetch(`${base}/api/passport/${card.id}`, {
      headers: { 'x-vigil-passport-key': key },
    })
    expect(held.status).toBe(200)
    expect(((await held.json()) as { id: string }).id).toBe(card.id)

    // 2. The admin token lists both tokens, through the API and the CLI.
    const admin = run.vars.ADMIN ?? ''
    const listed = await fetch(`${base}/api/tokens`, auth(admin))
    expect(listed.status).toBe(200)
    const names = ((await listed.json()) as { tokens: { name: string }[] }).tokens.map(
      (t) => t.name,
    )
    expect(names.sort()).toEqual(['his', 'ops'])
    for (const id of [token, admin].map((t) => t.split('_')[1] as string))
      expect(tokens?.stdout.split(id).length).toBe(3) // once from the API, once from the CLI

    // 3. The invitation prints a link alone, and the server lists the invitation.
    expect(invite?.stdout.trim()).toMatch(
      new RegExp(`^${base}/enrol\\.html#vgi_[a-z0-9]+_[\\w-]+$`),
    )
    const invitations = await fetch(`${base}/api/staff/invitations`, auth(admin))
    expect(JSON.stringify(await invitations.json())).toContain('Eve Epi')

    // The public figures are released (and logged) the first time they are read, in step 4,
    // so the size the audit must match is the one before that read.
    const auditedSize = await size()

    // 4. The demo's credentials reached the log: the ledger's own totals count them.
    const summary = JSON.parse(demo?.stdout.trim().split('\n').at(-1) ?? '{}')
    expect(summary.demo).toBe('done')
    expect(summary.credentials).toBeGreaterThan(0)
    const stats = (await (await fetch(`${base}/api/public/stats`)).json()) as {
      ledger: { total: { issued: number; revoked: number } }
    }
    expect(stats.ledger.total).toEqual({
      issued: 1 + summary.credentials,
      revoked: summary.revoked,
    })

    // 5. The audit read the server's whole log and found it consistent; the identity is the URL.
    const entries = Number(
      /audited (\d+) entries, \d+ checkpoints: consistent/.exec(audit?.stdout ?? '')?.[1],
    )
    expect(BigInt(entries)).toBe(auditedSize)
    expect(audit?.stdout).toMatch(new RegExp(`^public URL: +${base}$`, 'm'))
    const load = existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').trim() : ''
    console.log(JSON.stringify({ test: 'readme', seconds: Math.round(run.ms / 100) / 10, load }))
  }, 900_000)
})
