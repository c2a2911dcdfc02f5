/**
 * The release this page runs, as the service worker proved it (web/src/sw/sw.ts,
 * docs/RELEASES.md): "Release N, logged at index i, cosigned by k witnesses" in the footer and
 * the settings, and an update the worker refused, with its reason in plain words and its code.
 */
import { byId } from '../dom.ts'
import { type MessageKey, onLangChange, t } from '../i18n/index.ts'
import { type ReleaseState, readReleaseState } from '../sw/release-state.ts'

const REASONS: Readonly<Record<string, MessageKey>> = {
  RELEASE_NOT_LOGGED: 'release.why.notLogged',
  RELEASE_PROOF: 'release.why.proof',
  RELEASE_ASSET_MISMATCH: 'release.why.asset',
  RELEASE_LOG_KEY: 'release.why.logKey',
  RELEASE_MANIFEST_INVALID: 'release.why.manifest',
}

let state: ReleaseState = {}

function render(): void {
  const { installed, refused } = state
  const line =
    installed === undefined
      ? t('release.unchecked')
      : t(installed.cosignatures === 0 ? 'release.loggedNoWitness' : 'release.logged', {
          release: installed.release,
          index: installed.leafIndex,
          k: installed.cosignatures,
        })
  byId('release-footer').textContent = line
  byId('release-detail').textContent =
    installed === undefined
      ? line
      : `${line} ${t('release.build', { version: installed.version, commit: installed.commit.slice(0, 12) })}`
  const box = byId('release-refused')
  box.hidden = refused === undefined
  if (refused !== undefined) {
    const key = REASONS[refused.code] ?? 'release.why.fetch'
    box.textContent = t(installed === undefined ? 'release.refusedFirst' : 'release.refused', {
      release: refused.release ?? '?',
      reason: t(key),
      code: refused.code,
    })
    box.dataset.code = refused.code
  }
}

async function refresh(): Promise<void> {
  state = await readReleaseState()
  render()
}

export function mountRelease(): void {
  if (!('caches' in self) || !('serviceWorker' in navigator)) return
  void refresh()
  onLangChange(render)
  navigator.serviceWorker.addEventListener('message', (event) => {
    if ((event.data as { type?: string } | null)?.type === 'vigil-release') void refresh()
  })
  navigator.serviceWorker.addEventListener('controllerchange', () => void refresh())
}
