/**
 * Release manifests are reproducible: two builds of one tree write the same bytes, and
 * `vigil release verify` rebuilds a manifest's commit from `git archive` and finds it equal —
 * or names the file a tampered manifest lists wrongly. The equal-rebuild case needs a checkout
 * whose working tree is its commit (a clean clone, as CI's); elsewhere it skips with the reason.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseReleaseManifest, serializeReleaseManifest } from '../../src/core/release/index.ts'
import { runCli } from '../helpers/cli.ts'
import { IN_CI } from '../helpers/db.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function treeState(): string | undefined {
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
    }).toString()
    return dirty.trim() === '' ? undefined : 'the working tree differs from its commit'
  } catch {
    return 'not a git checkout'
  }
}
const DIRTY = treeState()

async function buildInto(outDir: string): Promise<string> {
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  })
  return readFileSync(join(outDir, 'release.json'), 'utf8')
}

describe('reproducible release manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-release-build-'))
  let first: string
  beforeAll(async () => {
    first = await buildInto(join(dir, 'a'))
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('two builds of one tree give the same manifest, byte for byte', async () => {
    const second = await buildInto(join(dir, 'b'))
    expect(second).toBe(first)
    const manifest = parseReleaseManifest(first)
    expect(manifest.assets.some((a) => a.path === '/verify.html')).toBe(true)
    expect(manifest.serviceWorker.path).toBe('/sw.js')
  }, 120_000)

  it.skipIf(DIRTY !== undefined && !IN_CI)(
    `vigil release verify rebuilds the commit and finds it equal${DIRTY ? ` (skipped: ${DIRTY})` : ''}`,
    async () => {
      expect(DIRTY, 'CI checks a clean clone').toBeUndefined()
      const file = join(dir, 'release.json')
      writeFileSync(file, first)
      const same = await runCli(['release', 'verify', '--manifest', file], {})
      expect(same.code, same.stderr).toBe(0)
      expect(same.stdout).toMatch(/rebuilt byte for byte: \d+ files match/)
    },
    180_000,
  )

  it('names the file a tampered manifest lists wrongly', async () => {
    const manifest = parseReleaseManifest(first)
    if (manifest.commit === 'unknown') return expect(DIRTY).toBe('not a git checkout')
    const target = manifest.assets.find((a) => /^\/assets\/verify-/.test(a.path))?.path as string
    const tampered = serializeReleaseManifest({
      ...manifest,
      assets: manifest.assets.map((a) =>
        a.path === target ? { ...a, sha256: 'f'.repeat(64) } : a,
      ),
    })
    const file = join(dir, 'tampered.json')
    writeFileSync(file, tampered)
    const out = await runCli(['release', 'verify', '--manifest', file], {})
    expect(out.code).toBe(1)
    expect(out.stderr).toContain(target)
  }, 180_000)
})
