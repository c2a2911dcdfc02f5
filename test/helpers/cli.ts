/** Runs `vigil <args>` as a real process, the way an operator does beside a running server. */
import { spawn } from 'node:child_process'
import { BIN } from './server.ts'

export interface CliResult {
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
): Promise<CliResult> {
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
