/**
 * Runs a `vigil` command in this process, for tests about what a command does rather than about
 * processes: the real `main` with the given environment, its output captured, `process.exit`
 * turned into the exit status. A child costs about 1.5 s of CPU before the command starts (tsx and
 * the module graph); here the modules load once per file. Tests of signals, `--workers` and
 * crashes keep real processes (test/helpers/server.ts), and so do commands run beside a running
 * server as an operator runs them (`runCli`).
 */
import { spawn } from 'node:child_process'
import { main } from '../../src/entry/cli.ts'
import { BIN } from './server.ts'

export interface CliResult {
  status: number
  stdout: string
  stderr: string
}

class Exit extends Error {
  readonly status: number
  constructor(status: number) {
    super(`process.exit(${status})`)
    this.status = status
  }
}

type Write = typeof process.stdout.write

let running = false

/**
 * `vigil <args>` with `env` laid over process.env (an `undefined` value removes the variable).
 * One at a time: the environment and the console are the process's own.
 */
export async function runVigil(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  if (running) throw new Error('runVigil: one command at a time')
  running = true
  const saved = { ...process.env }
  const out: string[] = []
  const err: string[] = []
  const streamWrite =
    (sink: string[]): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk))
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      done?.()
      return true
    }
  const line =
    (sink: string[]) =>
    (...parts: unknown[]) =>
      sink.push(`${parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' ')}\n`)
  const originals = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    exit: process.exit,
  }
  for (const [key, value] of Object.entries(env))
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  console.log = line(out)
  console.info = line(out)
  console.warn = line(err)
  console.error = line(err)
  process.stdout.write = streamWrite(out)
  process.stderr.write = streamWrite(err)
  process.exit = ((code?: number | string | null) => {
    throw new Exit(Number(code ?? 0))
  }) as typeof process.exit
  let status: number
  try {
    const code = await main([...args])
    if (code === undefined) throw new Error(`runVigil: "${args.join(' ')}" keeps running`)
    status = code
  } catch (e) {
    if (e instanceof Exit) status = e.status
    else {
      // What an uncaught error does to the real program: the stack on stderr, exit 1.
      err.push(`${e instanceof Error ? e.stack : String(e)}\n`)
      status = 1
    }
  } finally {
    Object.assign(console, {
      log: originals.log,
      info: originals.info,
      warn: originals.warn,
      error: originals.error,
    })
    process.stdout.write = originals.stdout
    process.stderr.write = originals.stderr
    process.exit = originals.exit
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
    running = false
  }
  return { status, stdout: out.join(''), stderr: err.join('') }
}

/** Runs `vigil <args>` as a real process, the way an operator does beside a running server. */
export interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
  /** Wall time from spawn to exit. */
  ms: number
}

export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  // Never left behind: a command that outlives its limit is killed and reported.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
  })
}
