/**
 * The venue verifier page (/verify): camera, paste, image or `.smart-health-card` file → the
 * Verdict of src/core/verify, computed here with trust material that this page keeps (offline
 * too). The card never leaves the device; the ledger is asked for a 4-hex-digit bucket only.
 */

import { parseVerifierKey } from '../../../src/core/note/index.ts'
import {
  checkDeploymentUrl,
  createVerifyCache,
  DEFAULT_SNAPSHOT_MAX_AGE,
  qrChunkProgress,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import {
  formatAge,
  formatTime,
  initI18n,
  type MessageKey,
  mountLanguageSwitch,
  onLangChange,
  t,
} from '../i18n/index.ts'
import { type Scanner, startScanner } from './camera.ts'
import {
  type LoadedDccTrust,
  type LoadedDeployment,
  type LoadFailure,
  ledgerFor,
  loadDccTrust,
  loadTrust,
  REFRESH_SECONDS,
  saveDeployments,
  savedDeployments,
  wasOffline,
} from './data.ts'
import { chosenDccRules, mountDccRuleSettings, setDccRuleSource } from './dcc-rules.ts'
import { decodeImageFile } from './decoder.ts'
import { signal, unlockAudio } from './feedback.ts'
import { mountRelease } from './release.ts'
import { mountRuleSettings, setRuleSource } from './rules.ts'
import {
  mountSnapshotStatus,
  SNAPSHOT_SYNC_MS,
  setSnapshotLimit,
  snapshotFor,
  syncSnapshots,
} from './snapshot-store.ts'
import { setDirectory } from './summary.ts'
import { renderVerdict, renderWorking, type ShownVerdict } from './view.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))

// ---- Settings (this device only) --------------------------------------------------------------

const SETTINGS_KEY = 'vigil.verify.settings'
interface Settings {
  maxAge: number
  /** core/verify's `snapshotMaxAge`: the oldest offline copy of the log that confirms a card. */
  snapshotMaxAge: number
  continuous: boolean
  feedback: boolean
}
/** The ages the venue may choose for the offline copy (seconds; each has an `age.*` label). */
const SNAPSHOT_AGES = [3600, 21_600, 86_400, 259_200, 604_800, 1_209_600, 2_592_000] as const
function readSettings(): Settings {
  const defaults: Settings = {
    maxAge: 86_400,
    snapshotMaxAge: DEFAULT_SNAPSHOT_MAX_AGE,
    continuous: false,
    feedback: true,
  }
  try {
    return { ...defaults, ...(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') as object) }
  } catch {
    return defaults
  }
}
const settings = readSettings()
function saveSettings(): void {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings))
  } catch {}
}

const ui = {
  trustStatus: byId('trust-status'),
  verdict: byId('verdict'),
  result: byId('result'),
  next: byId<HTMLButtonElement>('next'),
  cameraStart: byId<HTMLButtonElement>('camera-start'),
  cameraStop: byId<HTMLButtonElement>('camera-stop'),
  video: byId<HTMLVideoElement>('camera-video'),
  cameraStatus: byId('camera-status'),
  door: byId<HTMLButtonElement>('door-mode'),
  continuous: byId<HTMLInputElement>('continuous'),
  feedback: byId<HTMLInputElement>('feedback'),
  pasteForm: byId<HTMLFormElement>('paste-form'),
  pasteInput: byId<HTMLTextAreaElement>('paste-input'),
  fileInput: byId<HTMLInputElement>('file-input'),
  fileStatus: byId('file-status'),
  maxAge: byId<HTMLSelectElement>('max-age'),
  deployments: byId<HTMLUListElement>('deployments'),
  deploymentForm: byId<HTMLFormElement>('deployment-form'),
  deploymentUrl: byId<HTMLInputElement>('deployment-url'),
  deploymentVkey: byId<HTMLInputElement>('deployment-vkey'),
  deploymentStatus: byId('deployment-status'),
}

/** The offline copy's age limit, beside the trust data's (built here: the page's HTML is shared). */
function mountSnapshotAge(): HTMLSelectElement {
  const select = el(
    'select',
    { id: 'snapshot-max-age', 'aria-describedby': 'snapshot-max-age-hint' },
    ...SNAPSHOT_AGES.map((s) => {
      const option = el('option', { value: String(s) }, t(`age.${s}` as MessageKey))
      option.dataset.i18n = `age.${s}`
      return option
    }),
  )
  const label = el('label', { for: 'snapshot-max-age' }, t('settings.snapshotMaxAge'))
  label.dataset.i18n = 'settings.snapshotMaxAge'
  const hint = el(
    'p',
    { id: 'snapshot-max-age-hint', class: 'hint' },
    t('settings.snapshotMaxAge.hint'),
  )
  hint.dataset.i18n = 'settings.snapshotMaxAge.hint'
  byId('max-age-hint').after(el('p', {}, label, select), hint)
  return select
}
const snapshotAge = mountSnapshotAge()
if (!SNAPSHOT_AGES.some((s) => s === settings.snapshotMaxAge)) {
  settings.snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE
}
snapshotAge.value = String(settings.snapshotMaxAge)
setSnapshotLimit(settings.snapshotMaxAge)
snapshotAge.addEventListener('change', () => {
  settings.snapshotMaxAge = Number(snapshotAge.value)
  saveSettings()
  setSnapshotLimit(settings.snapshotMaxAge)
})

ui.maxAge.value = String(settings.maxAge)
ui.continuous.checked = settings.continuous
ui.feedback.checked = settings.feedback
ui.maxAge.addEventListener('change', () => {
  settings.maxAge = Number(ui.maxAge.value)
  saveSettings()
  showTrustStatus()
})
ui.continuous.addEventListener('change', () => {
  settings.continuous = ui.continuous.checked
  saveSettings()
})
ui.feedback.addEventListener('change', () => {
  settings.feedback = ui.feedback.checked
  saveSettings()
})

// ---- Trust material ---------------------------------------------------------------------------

interface TrustState {
  loaded: LoadedDeployment[]
  failed: LoadFailure[]
  /** This site's EU DCC / GDHCN trust data, when it serves some. */
  dcc: LoadedDccTrust | undefined
  /** Date.now() when loaded. */
  at: number
}

mountRuleSettings() // entry rules (rules.ts)
mountDccRuleSettings() // a country's EU entry rules (dcc-rules.ts)
let trust: Promise<TrustState> = refreshTrust()
let trustShown: TrustState | undefined

function refreshTrust(): Promise<TrustState> {
  const job = Promise.all([loadTrust(), loadDccTrust()]).then(([r, dcc]) => ({
    ...r,
    dcc,
    at: Date.now(),
  }))
  job.then((state) => {
    // Entry rules and issuer names from the verified trust material (rules.ts, summary.ts).
    setRuleSource(state.loaded)
    setDccRuleSource(state.loaded)
    setDirectory(state.loaded.flatMap((d) => d.material.directory ?? []))
    trustShown = state
    showTrustStatus()
    void syncSnapshots(state.loaded)
  })
  return job
}

async function currentTrust(): Promise<TrustState> {
  const state = await trust
  const home = state.loaded.find((d) => d.base === '')
  const tooOld = Date.now() - state.at > REFRESH_SECONDS * 1000
  if ((home === undefined || home.offline || tooOld) && navigator.onLine) {
    trust = refreshTrust()
    return trust
  }
  return state
}

function showTrustStatus(): void {
  const state = trustShown
  if (state === undefined) return
  const now = Math.floor(Date.now() / 1000)
  const lines: string[] = []
  const asOf = Math.min(...state.loaded.map((d) => d.material.issuedAt))
  if (state.loaded.some((d) => d.offline)) lines.push(t('data.offline'))
  if (state.loaded.length > 0) {
    lines.push(t('data.asOf', { time: formatTime(asOf), age: formatAge(now - asOf) }))
    if (now - asOf > settings.maxAge) {
      lines.push(t('data.stale', { limit: t(`age.${settings.maxAge}` as MessageKey) }))
    }
  }
  const dcc = state.dcc?.opened
  const dccAsOf = dcc?.trust.asOf
  if (dcc !== undefined && dcc.lists.length > 0 && dccAsOf !== undefined) {
    const lists = [...dcc.lists, ...dcc.revocations].map((l) => l.name).join(', ')
    lines.push(t('data.dccLists', { lists, age: formatAge(now - dccAsOf) }))
    if (dcc.maxAge !== undefined && now - dccAsOf > dcc.maxAge) lines.push(t('data.dccStale'))
  }
  for (const f of state.failed) {
    lines.push(
      f.base === ''
        ? t('data.failed', { error: f.error })
        : t('data.deploymentFailed', { url: f.base, error: f.error }),
    )
  }
  ui.trustStatus.textContent = lines.join(' ')
  ui.trustStatus.dataset.state =
    state.failed.length > 0 || now - asOf > settings.maxAge
      ? 'bad'
      : state.loaded.some((d) => d.offline)
        ? 'info'
        : 'ok'
  renderDeployments(state)
}

setInterval(showTrustStatus, 30_000)
// The offline copy of the log: kept current while online, never awaited by a check.
mountSnapshotStatus(ui.trustStatus)
setInterval(() => void trust.then((s) => syncSnapshots(s.loaded)), SNAPSHOT_SYNC_MS)

// ---- Verifying --------------------------------------------------------------------------------

const cache = createVerifyCache()
let busy = false
let shown: ShownVerdict | undefined
/** The text last announced and when (performance.now()): not announced again in the pause. */
let announced = { text: '', at: -Infinity }
let resetTimer: ReturnType<typeof setTimeout> | undefined
/** Full-screen door mode: after each result, ready again for the next person on its own. */
const DOOR_PAUSE_MS = 3000

async function check(text: string): Promise<void> {
  if (busy) return
  busy = true
  const started = performance.now()
  try {
    const state = await currentTrust()
    renderWorking()
    const verdict = await verifyCredential(text, {
      trust: state.loaded.map((d) => d.material),
      now: Math.floor(Date.now() / 1000),
      maxAge: settings.maxAge,
      ledger: ledgerFor(state.loaded),
      snapshot: snapshotFor,
      snapshotMaxAge: settings.snapshotMaxAge,
      cache,
      // EU DCC / GDHCN (HC1): the lists this site imported, each with the age its authority set.
      ...dccOptions(state.dcc),
    })
    const ms = performance.now() - started
    const progress = qrChunkProgress(text)
    shown = {
      verdict,
      ms,
      offline: state.loaded.some((d) => d.offline) || state.dcc?.offline === true || wasOffline(),
      maxAge: settings.maxAge,
      ...(progress === undefined ? {} : { progress }),
      ...dccListOf(verdict.dcc?.kid, state.dcc),
    }
    const plain = renderVerdict(shown)
    announced = { text, at: performance.now() }
    if (settings.feedback) signal(plain.kind)
    flash()
    if (scanner !== undefined && !settings.continuous && !doorMode) stopCamera()
    if (doorMode) scheduleReset()
    else if (scanner === undefined) ui.verdict.focus()
    else ui.result.scrollIntoView({ block: 'start' })
  } finally {
    busy = false
  }
}

/** Without any imported list an HC1 code is named and refused as not checkable here. */
function dccOptions(loaded: LoadedDccTrust | undefined) {
  if (loaded === undefined || loaded.opened.lists.length === 0) return {}
  const { trust, revoked, maxAge } = loaded.opened
  // The country of arrival the venue chose: its rules, from the (cached) trust material.
  const rules = chosenDccRules()
  return {
    dcc: {
      trust,
      revoked,
      ...(maxAge === undefined ? {} : { maxAge }),
      ...(rules === undefined ? {} : { rules }),
    },
  }
}

function dccListOf(kid: string | undefined, loaded: LoadedDccTrust | undefined) {
  const list = kid === undefined ? undefined : loaded?.opened.listOf(kid)
  return list === undefined ? {} : { dccList: list }
}

/** A visible cue per result (the colour pulses once), for staff looking at the queue. */
function flash(): void {
  ui.verdict.classList.remove('flash')
  void ui.verdict.offsetWidth // restart the animation
  ui.verdict.classList.add('flash')
}

function scheduleReset(): void {
  clearTimeout(resetTimer)
  resetTimer = setTimeout(() => {
    ui.result.hidden = true
    shown = undefined
    ui.cameraStatus.textContent = t('scan.ready')
  }, DOOR_PAUSE_MS)
}

// ---- Chunked QR sets (camera) -----------------------------------------------------------------

/** Parts of a chunked `shc:/C/N/…` set seen by the camera, by index (one set at a time). */
let chunks = new Map<number, string>()
const CHUNK = /^shc:\/(\d{1,2})\/(\d{1,2})\//i

/** One camera read → the text to verify: a chunk joins the parts seen so far. */
function fromCamera(text: string): string {
  const m = CHUNK.exec(text)
  if (m === null || Number(m[2]) < 2) {
    chunks = new Map()
    return text
  }
  const total = Number(m[2])
  const first = [...chunks.values()][0]
  if (first !== undefined && CHUNK.exec(first)?.[2] !== m[2]) chunks = new Map()
  chunks.set(Number(m[1]), text)
  const joined = [...chunks.values()].join('\n')
  if (chunks.size >= total) chunks = new Map()
  return joined
}

function onScan(raw: string): void {
  const text = fromCamera(raw)
  // The same card held up again within the pause is not announced twice.
  if (text === announced.text && performance.now() - announced.at < DOOR_PAUSE_MS + 1000) return
  void check(text)
}

onLangChange(() => {
  if (shown !== undefined) renderVerdict(shown)
  showTrustStatus()
  if (scanner !== undefined) ui.cameraStatus.textContent = t('scan.running')
  ui.door.textContent = t(doorMode ? 'scan.doorExit' : 'scan.door')
})

ui.next.addEventListener('click', () => {
  announced = { text: '', at: -Infinity }
  ui.result.hidden = true
  ui.pasteInput.value = ''
  shown = undefined
  ;(scanner === undefined ? ui.cameraStart : ui.cameraStop).focus()
})

ui.pasteForm.addEventListener('submit', (event) => {
  event.preventDefault()
  void check(ui.pasteInput.value)
})

ui.fileInput.addEventListener('change', async () => {
  const file = ui.fileInput.files?.[0]
  if (file === undefined) return
  ui.fileStatus.textContent = t('file.reading')
  try {
    const isCardFile =
      file.name.endsWith('.smart-health-card') ||
      file.type === 'application/smart-health-card' ||
      file.type === 'application/json' ||
      file.type.startsWith('text/')
    const text = isCardFile ? await file.text() : await decodeImageFile(file)
    if (text === null) {
      ui.fileStatus.textContent = t('file.noQr')
      return
    }
    ui.fileStatus.textContent = ''
    await check(text)
  } catch (err) {
    ui.fileStatus.textContent = `${t('file.noQr')} (${err instanceof Error ? err.message : String(err)})`
  } finally {
    ui.fileInput.value = ''
  }
})

// ---- Camera -----------------------------------------------------------------------------------

let scanner: Scanner | undefined
let doorMode = false

function stopCamera(): void {
  scanner?.stop()
  scanner = undefined
  ui.video.hidden = true
  ui.cameraStop.hidden = true
  ui.cameraStart.hidden = false
  ui.cameraStatus.textContent = t('scan.stopped')
  if (doorMode) leaveDoorMode()
}

async function startCamera(): Promise<boolean> {
  unlockAudio()
  announced = { text: '', at: -Infinity } // turned on by hand: the first card is announced
  ui.cameraStatus.textContent = t('scan.starting')
  try {
    ui.video.hidden = false
    scanner = await startScanner(ui.video, onScan)
    ui.cameraStart.hidden = true
    ui.cameraStop.hidden = false
    ui.cameraStop.focus()
    ui.cameraStatus.textContent = t('scan.running')
    return true
  } catch (err) {
    ui.video.hidden = true
    const name = err instanceof Error ? err.name || err.message : String(err)
    ui.cameraStatus.textContent = t('scan.denied', { error: name })
    return false
  }
}

ui.cameraStart.addEventListener('click', () => void startCamera())
ui.cameraStop.addEventListener('click', () => {
  stopCamera()
  ui.cameraStart.focus()
})

/**
 * Door mode: the camera and the verdict fill the screen, scanning never stops, each result is
 * announced (sound unless muted, a flash, vibration) and cleared after DOOR_PAUSE_MS, so staff
 * need not touch the screen between people.
 */
async function enterDoorMode(): Promise<void> {
  doorMode = true
  announced = { text: '', at: -Infinity } // a new queue: its first card is announced
  document.body.classList.add('door')
  ui.door.setAttribute('aria-pressed', 'true')
  ui.door.textContent = t('scan.doorExit')
  try {
    await document.documentElement.requestFullscreen?.()
  } catch {} // refused (no gesture, iframe, old browser): the page layout is full-screen anyway
  if (scanner === undefined && !(await startCamera())) leaveDoorMode()
}

function leaveDoorMode(): void {
  doorMode = false
  clearTimeout(resetTimer)
  document.body.classList.remove('door')
  ui.door.setAttribute('aria-pressed', 'false')
  ui.door.textContent = t('scan.door')
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined)
  if (scanner !== undefined) stopCamera()
}

ui.door.addEventListener('click', () => {
  if (doorMode) leaveDoorMode()
  else void enterDoorMode()
})
document.addEventListener('fullscreenchange', () => {
  if (doorMode && document.fullscreenElement === null) leaveDoorMode()
})

// ---- Deployments ------------------------------------------------------------------------------

function renderDeployments(state: TrustState): void {
  const loadedAt = new Map(state.loaded.map((d) => [d.base, d.material]))
  const home = loadedAt.get('')
  const items = [
    el(
      'li',
      {},
      el('strong', {}, t('deployments.home')),
      home === undefined ? '' : ` — ${home.deployment} (${home.log.origin})`,
    ),
    ...savedDeployments().map((d) => {
      const remove = el(
        'button',
        { type: 'button', 'aria-label': t('deployments.removeLabel', { url: d.url }) },
        t('deployments.remove'),
      )
      remove.addEventListener('click', () => {
        saveDeployments(savedDeployments().filter((x) => x.url !== d.url))
        trust = refreshTrust()
      })
      return el('li', {}, el('code', {}, d.url), ' ', remove)
    }),
  ]
  ui.deployments.replaceChildren(...items)
}

ui.deploymentForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const url = ui.deploymentUrl.value.trim().replace(/\/+$/, '')
  const vkey = ui.deploymentVkey.value.trim()
  try {
    checkDeploymentUrl(url)
    parseVerifierKey(vkey)
  } catch {
    ui.deploymentStatus.textContent = t('deployments.invalid')
    return
  }
  saveDeployments([...savedDeployments().filter((d) => d.url !== url), { url, vkey }])
  ui.deploymentUrl.value = ''
  ui.deploymentVkey.value = ''
  ui.deploymentStatus.textContent = ''
  trust = refreshTrust()
})

// ---- Offline ----------------------------------------------------------------------------------

/**
 * The service worker (web/src/sw/sw.ts) keeps this page and its files for offline use, each
 * checked against a release manifest it proved to be in the ledger (docs/RELEASES.md); its
 * verdict on the release shows in the footer and settings (release.ts).
 */
async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  mountRelease()
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/verify', type: 'module' })
  } catch {}
}
void registerServiceWorker()
