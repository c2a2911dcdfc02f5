/**
 * @module entry/commands/release
 * `vigil release publish [FILE]` and `vigil release verify` (help texts in cli.ts), and the
 * publication `vigil serve` does at start when the built pages' manifest is new
 * (docs/RELEASES.md).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  parseReleaseManifest,
  RELEASE_MANIFEST_PATH,
  type ReleaseManifest,
} from '../../core/release/index.ts'
import { COMMAND_LINE, type ServiceContext } from '../../platform/context/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { publishWebRelease } from '../../services/trust/index.ts'
import { usage, withRuntime } from './run.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DIST_MANIFEST = join(ROOT, 'web', 'dist', RELEASE_MANIFEST_PATH.slice(1))

/**
 * Publishes the manifest of the pages this process serves, when it is new: a restart with the
 * same build logs nothing twice. Missing manifest (pages built by an older Vigil): a warning.
 */
export async function publishServedRelease(ctx: ServiceContext, dist: string): Promise<void> {
  const file = join(dist, RELEASE_MANIFEST_PATH.slice(1))
  if (!existsSync(file)) {
    ctx.logger.warn(`${file} is missing: rebuild the pages (npm run build:web) to log a release`)
    return
  }
  // Published as the operator's command line that started the server. A release file the
  // service refuses (hand-edited, half-copied) or a database gone at this moment is the
  // operator's to mend: the server keeps serving, says why, and `vigil release publish` logs it
  // later.
  let published: Awaited<ReturnType<typeof publishWebRelease>>
  try {
    published = await publishWebRelease(
      { ...ctx, actor: COMMAND_LINE },
      { text: readFileSync(file, 'utf8') },
    )
  } catch (err) {
    const code = err instanceof ServiceError ? ` (${err.code})` : ''
    ctx.logger.error(
      `the pages' release in ${file} was not logged${code}: ${(err as Error).message}; fix it and run \`vigil release publish\``,
    )
    return
  }
  const { release, created } = published
  if (created) {
    ctx.logger.info(
      `web release ${release.release} (${release.version}, ${release.commit.slice(0, 12)}) logged at index ${release.leafIndex}`,
    )
  }
}

export async function runReleasePublish(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (positionals.length > 1) return usage('release', 'publish', 'takes at most one FILE')
  const path = positionals[0] ?? DIST_MANIFEST
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return usage('release', 'publish', `cannot read ${path}: ${(err as Error).message}`)
  }
  return withRuntime(
    'release',
    'publish',
    async ({ ctx }) => {
      const { release: r, created } = await publishWebRelease(ctx, { text })
      const where = r.leafIndex === null ? 'pending in the ledger' : `ledger index ${r.leafIndex}`
      console.log(
        `web release ${r.release}${created ? '' : ' (already published)'}: ${r.version} ${r.commit}, sha256 ${r.sha256}, ${where}`,
      )
      return 0
    },
    () => 1,
  )
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return res.text()
}

/** Paths whose hash differs between two manifests, or that only one lists. */
export function manifestDifferences(a: ReleaseManifest, b: ReleaseManifest): string[] {
  const left = new Map([a.serviceWorker, ...a.assets].map((x) => [x.path, x.sha256]))
  const right = new Map([b.serviceWorker, ...b.assets].map((x) => [x.path, x.sha256]))
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort()
  const out = paths.filter((p) => left.get(p) !== right.get(p))
  for (const key of ['version', 'commit', 'csp', 'verifierCsp'] as const) {
    if (a[key] !== b[key]) out.push(key)
  }
  return out
}

/**
 * Rebuilds the pages of a published release from its commit in a temporary checkout (this
 * repository's `git archive`, this checkout's node_modules — refused unless the commit's
 * package-lock.json is byte for byte this one's, since other dependencies build other bytes) and
 * compares the manifests. Exit 0: identical; 1: different or not rebuildable; 2: usage.
 */
export async function runReleaseVerify(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string' }, release: { type: 'string' }, manifest: { type: 'string' } },
    strict: true,
  })
  if ((values.url === undefined) === (values.manifest === undefined)) {
    return usage('release', 'verify', 'needs --url URL or --manifest FILE')
  }
  let published: string
  try {
    if (values.manifest !== undefined) published = readFileSync(values.manifest, 'utf8')
    else {
      const base = (values.url as string).replace(/\/+$/, '')
      published = await fetchText(
        values.release === undefined
          ? `${base}${RELEASE_MANIFEST_PATH}`
          : `${base}/release/${Number(values.release)}.json`,
      )
    }
  } catch (err) {
    console.error(`vigil release verify: ${(err as Error).message}`)
    return 1
  }
  let manifest: ReleaseManifest
  try {
    manifest = parseReleaseManifest(published)
  } catch (err) {
    console.error(`vigil release verify: not a release manifest: ${(err as Error).message}`)
    return 1
  }
  if (manifest.commit === 'unknown') {
    console.error('vigil release verify: the manifest names no commit; nothing to rebuild from')
    return 1
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-release-'))
  try {
    try {
      execFileSync('sh', ['-c', `git archive ${manifest.commit} | tar -x -C "${dir}"`], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    } catch {
      console.error(`vigil release verify: commit ${manifest.commit} is not in this repository`)
      return 1
    }
    const lock = (root: string) => readFileSync(join(root, 'package-lock.json'), 'utf8')
    if (lock(dir) !== lock(ROOT)) {
      console.error(
        'vigil release verify: that commit pins other dependencies than this checkout (package-lock.json differs); check it out and run npm ci there',
      )
      return 1
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
      cwd: dir,
      env: { ...process.env, VIGIL_COMMIT: manifest.commit },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const rebuilt = readFileSync(join(dir, 'web', 'dist', RELEASE_MANIFEST_PATH.slice(1)), 'utf8')
    if (rebuilt === published) {
      console.log(
        `web release of ${manifest.commit} rebuilt byte for byte: ${manifest.assets.length + 1} files match`,
      )
      return 0
    }
    const differ = manifestDifferences(manifest, parseReleaseManifest(rebuilt))
    console.error(
      `vigil release verify: the rebuild differs from the published manifest in ${differ.length} place(s):`,
    )
    for (const d of differ.slice(0, 50)) console.error(`  ${d}`)
    return 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
