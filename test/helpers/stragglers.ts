/**
 * Finding processes a test left running (Linux /proc). Every process the suite starts inherits
 * the run marker (test/global-setup.ts), so teardown finds even orphans whose parent died;
 * after each file, the worker's own descendants are checked (test/helpers/no-stragglers.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'

interface Proc {
  pid: number
  ppid: number
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // gone, or not ours to read
  }
}

function processes(): Proc[] {
  const out: Proc[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = read(`/proc/${name}/stat`)
    // proc(5): "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields?.[0] === 'Z' || fields?.[1] === undefined) continue // zombies are already dead
    out.push({ pid: Number(name), ppid: Number(fields[1]) })
  }
  return out
}

export function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim().slice(0, 200)
}

/**
 * esbuild's service process (wrangler and vite start one in the worker) lives as long as its
 * parent and exits with it: not a test's doing.
 */
const isHelper = (pid: number): boolean => /\/esbuild\s.*--service=/.test(commandLine(pid))

/** Live descendants of `root`, children first. */
export function descendants(root: number): number[] {
  const all = processes()
  const found: number[] = []
  const walk = (parent: number) => {
    for (const p of all)
      if (p.ppid === parent && !found.includes(p.pid)) {
        found.push(p.pid)
        walk(p.pid)
      }
  }
  walk(root)
  return found.filter((pid) => !isHelper(pid))
}

/** Live processes whose environment carries `VIGIL_TEST_RUN=<run>`. */
export function marked(run: string): number[] {
  const needle = `\0VIGIL_TEST_RUN=${run}\0`
  return processes()
    .filter((p) => read(`/proc/${p.pid}/environ`)?.replace(/^/, '\0').includes(needle))
    .map((p) => p.pid)
    .filter((pid) => !isHelper(pid))
}

const alive = (pid: number): boolean => read(`/proc/${pid}/stat`)?.includes(') Z ') === false

/**
 * Waits up to `graceMs` for `find()` to come back empty (a stop may be in flight), then SIGKILLs
 * what is left and returns it as `pid command` lines.
 */
export async function reap(find: () => number[], graceMs = 3_000): Promise<string[]> {
  const deadline = Date.now() + graceMs
  let left = find()
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    left = find()
  }
  const lines = left.map((pid) => `${pid} ${commandLine(pid)}`)
  for (const pid of left)
    try {
      if (alive(pid)) process.kill(pid, 'SIGKILL')
    } catch {}
  return lines
}

/** Teardown: marked processes other than `keep` and their pool workers, killed and named. */
export function killStragglers(run: string, keep: number[]): Promise<string[]> {
  const spared = new Set(keep)
  return reap(() => {
    const procs = processes()
    const workers = new Set(procs.filter((p) => spared.has(p.ppid)).map((p) => p.pid))
    return marked(run).filter((pid) => !spared.has(pid) && !workers.has(pid))
  })
}
