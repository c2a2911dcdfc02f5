/** Starts the real `vigil serve` as a child process on a free port, for end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url))

/**
 * The limit for a test that runs `vigil` processes. Each start costs about 1.5 s of CPU (tsx and
 * the module graph) and a PGlite boot; with both cores busy, three to five times that.
 */
export const PROCESS_TEST_TIMEOUT = 120_000

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      s.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

export interface RunningServer {
  url: string
  child: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export async function startServer(
  env: Record<string, string>,
  nodeBinary = process.execPath,
  /** The command and its options (e.g. `['serve', '--workers', '2']`). */
  args: readonly string[] = ['serve'],
): Promise<RunningServer> {
  // A restart passes the port it had: the deployment's recorded URL names it.
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT)
  const child = spawn(nodeBinary, [BIN, ...args], {
    env: { ...process.env, PORT: String(port), VIGIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  // A first start runs initdb, migrations and key generation: slow when both cores are busy.
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * `vigil serve` on the embedded database with its public URL on `localhost` (a WebAuthn RP ID
 * must be a host name, not an address), for the staff pages' browser tests.
 */
export async function startLocalhostServer(dir: string): Promise<RunningServer> {
  const port = await freePort()
  const url = `http://localhost:${port}`
  const server = await startServer({
    PORT: String(port),
    PUBLIC_URL: url,
    VIGIL_DATA_DIR: dir,
    VIGIL_LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  })
  return { ...server, url }
}

/** A child process that serves HTTP, once it answered its health path. */
export interface StartedProcess {
  child: ChildProcess
  url: string
  out(): string
  stop(): Promise<void>
}

/**
 * Waits until `child` answers `health` at `url` with a 2xx (its output kept for messages);
 * throws with that output if it exits first or takes more than 90 s.
 */
export async function whenServing(
  child: ChildProcess,
  url: string,
  health = '/healthz',
): Promise<StartedProcess> {
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${out}`)
    try {
      if ((await fetch(`${url}${health}`)).ok) break
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  return {
    child,
    url,
    out: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** Polls `f` every 200 ms until it gives a value; throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
