/**
 * The build's release plugin (docs/RELEASES.md): Subresource Integrity on every script,
 * module preload and stylesheet of every page (W3C SRI, sha384), and the release manifest
 * `release.json` (core/release, `vigil-release/v1`) listing every file written with its SHA-256,
 * the pages' CSP, the service worker's hash, the package version and the git commit. Nothing
 * time- or machine-dependent goes in, so two builds of one commit give the same bytes.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { Plugin } from 'vite'
import { RELEASE_MANIFEST_PATH, serializeReleaseManifest } from '../../src/core/release/index.ts'
import { INTEGRITY_POLICY, PAGE_CSP, serializeCsp, verifierCsp } from '../../src/http/csp.ts'

const ROOT = new URL('../../', import.meta.url)
const SW_PATH = '/sw.js'
/** `<script src>`, `<link rel=modulepreload|stylesheet href>` naming a built asset. */
const TAG = /<(script|link)\b([^>]*?)\s(src|href)="(\/assets\/[^"]+)"([^>]*)>/g

/** The commit built: VIGIL_COMMIT when set (a build from an archive), else git's HEAD. */
function commitOf(): string {
  const given = process.env.VIGIL_COMMIT
  if (given !== undefined && /^[0-9a-f]{40}$/.test(given)) return given
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: new URL('.', ROOT),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim()
    return /^[0-9a-f]{40}$/.test(head) ? head : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** A manifest being written by another build at the same moment (see writeBundle). */
const TEMPORARY = /^\..*\.tmp$/

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && !TEMPORARY.test(d.name))
    .map((d) => join(d.parentPath, d.name))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Headers for hosts that serve the built files themselves, before any app code runs (Cloudflare
 * Workers static assets read `_headers`): the same CSP and Integrity-Policy as the Node server.
 */
function staticHeaders(): string {
  const verifier = serializeCsp(verifierCsp(false))
  const page = (path: string) =>
    `${path}\n  ! Content-Security-Policy\n  Content-Security-Policy: ${verifier}\n`
  return [
    `/*\n  Content-Security-Policy: ${serializeCsp(PAGE_CSP)}\n  Integrity-Policy: ${INTEGRITY_POLICY}\n  X-Content-Type-Options: nosniff\n`,
    page('/verify'),
    page('/verify.html'),
  ].join('')
}

export function releasePlugin(): Plugin {
  let outDir = ''
  return {
    name: 'vigil:release',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const bytes = (name: string): Uint8Array | undefined => {
          const item = bundle[name]
          if (item === undefined) return undefined
          if (item.type === 'chunk') return new TextEncoder().encode(item.code)
          return typeof item.source === 'string'
            ? new TextEncoder().encode(item.source)
            : item.source
        }
        for (const item of Object.values(bundle)) {
          if (item.type !== 'asset' || !item.fileName.endsWith('.html')) continue
          const html = String(item.source)
          item.source = html.replace(TAG, (whole, tag, before, attr, path: string, after) => {
            if (/\sintegrity=/.test(whole)) return whole
            const content = bytes(path.slice(1))
            if (content === undefined) throw new Error(`${item.fileName} names ${path}, not built`)
            const digest = createHash('sha384').update(content).digest('base64')
            return `<${tag}${before} ${attr}="${path}" integrity="sha384-${digest}"${after}>`
          })
        }
      },
    },
    writeBundle() {
      writeFileSync(join(outDir, '_headers'), staticHeaders())
      const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
        version: string
      }
      const manifestFile = join(outDir, RELEASE_MANIFEST_PATH.slice(1))
      const files = filesUnder(outDir)
        .filter((f) => f !== manifestFile)
        .map((f) => ({
          path: `/${relative(outDir, f).split(sep).join('/')}`,
          sha256: sha256(readFileSync(f)),
        }))
      const sw = files.find((f) => f.path === SW_PATH)
      if (sw === undefined) throw new Error('the build wrote no service worker')
      const text = serializeReleaseManifest({
        format: 'vigil-release/v1',
        version: pkg.version,
        commit: commitOf(),
        csp: serializeCsp(PAGE_CSP),
        verifierCsp: serializeCsp(verifierCsp(false)),
        serviceWorker: sw,
        assets: files.filter((f) => f.path !== SW_PATH),
      })
      // Written whole, then renamed over the old one: a server starting meanwhile (it logs the
      // release it serves) reads the old manifest or the new one, never part of one.
      const temporary = join(outDir, `.release.${process.pid}.tmp`)
      writeFileSync(temporary, text)
      renameSync(temporary, manifestFile)
    },
  }
}
