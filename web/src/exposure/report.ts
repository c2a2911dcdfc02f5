/**
 * The citizen page: read exported keys (file or paste), then run the device flow as a phone does —
 * code → token, a fresh random HMAC key and the tekmac over the keys (computed here) → certificate,
 * then publish. Every refusal is shown in words with the server's code.
 */
import type {
  PublishRequest,
  PublishResponse,
  VerificationCertificate,
  VerifiedCode,
} from '../../../src/core/api-types/index.ts'
import { toBase64 } from '../../../src/core/codec/index.ts'
import { type TekMacKey, tekmac } from '../../../src/core/gaen/index.ts'
import { api, describe } from '../staff/api.ts'
import { byId, setState } from '../staff/dom.ts'
import { KeysError, parseKeys, span } from './keys.ts'

const HEALTH_AUTHORITY = 'vigil'

const form = byId<HTMLFormElement>('report')
const codeInput = byId<HTMLInputElement>('code')
const onsetInput = byId<HTMLInputElement>('onset')
const keysInput = byId<HTMLTextAreaElement>('keys')
const fileInput = byId<HTMLInputElement>('keys-file')
const summary = byId('keys-summary')
const result = byId('result')
const send = byId<HTMLButtonElement>('send')

function readKeys(): TekMacKey[] | undefined {
  if (keysInput.value.trim() === '') {
    setState(summary, 'info', '')
    return undefined
  }
  try {
    const keys = parseKeys(keysInput.value)
    const [from, to] = span(keys)
    setState(summary, 'ok', `${keys.length} key(s) read, covering ${from} to ${to}.`)
    return keys
  } catch (err) {
    setState(
      summary,
      'bad',
      `${err instanceof Error ? err.message : String(err)} (code KEYS_UNREADABLE)`,
    )
    return undefined
  }
}

/**
 * A tracer's hand-over link carries the code in the fragment (`#code=…`), which browsers never
 * send to a server (RFC 3986 §3.5); it is read once, then dropped from the address bar and history.
 */
function prefillCode(): void {
  const code = new URLSearchParams(location.hash.slice(1)).get('code')
  if (code === null) return
  codeInput.value = code.slice(0, 64)
  history.replaceState(null, '', location.pathname + location.search)
}
prefillCode()

keysInput.addEventListener('input', () => readKeys())
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0]
  if (file === undefined) return
  keysInput.value = await file.text()
  readKeys()
})

function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

/** Random padding so request sizes say little (as GAEN clients do). */
function padding(): string {
  return toBase64(random(256 + (random(1)[0] as number)))
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  const code = codeInput.value.trim().replace(/[\s-]/g, '')
  if (code === '') {
    setState(
      result,
      'bad',
      'Enter the verification code from your health authority (code CODE_MISSING).',
    )
    codeInput.focus()
    return
  }
  const keys = readKeys()
  if (keys === undefined) {
    if (keysInput.value.trim() === '')
      setState(result, 'bad', 'Choose a keys file or paste your keys (code NO_KEYS).')
    else setState(result, 'bad', 'Your keys could not be read; see above (code KEYS_UNREADABLE).')
    keysInput.focus()
    return
  }
  send.disabled = true
  try {
    setState(result, 'busy', 'Step 1 of 3: checking your code…')
    const verified = await api<VerifiedCode>('POST', '/api/exposure/verify', {
      code,
      padding: padding(),
    })
    setState(result, 'busy', 'Step 2 of 3: getting a certificate for these keys…')
    const hmacKey = random(32)
    const ekeyhmac = tekmac(hmacKey, keys)
    const { certificate } = await api<VerificationCertificate>(
      'POST',
      '/api/exposure/certificate',
      {
        token: verified.token,
        ekeyhmac,
        padding: padding(),
      },
    )
    setState(result, 'busy', 'Step 3 of 3: publishing your keys…')
    const onset = onsetInput.value === '' ? undefined : Date.parse(`${onsetInput.value}T00:00:00Z`)
    const body: PublishRequest = {
      temporaryExposureKeys: keys,
      healthAuthorityID: HEALTH_AUTHORITY,
      verificationPayload: certificate,
      hmacKey: toBase64(hmacKey),
      ...(onset === undefined || Number.isNaN(onset)
        ? {}
        : { symptomOnsetInterval: Math.floor(onset / 600_000) }),
      padding: padding(),
    }
    const published = await api<PublishResponse>('POST', '/api/exposure/publish', body)
    const warnings = published.warnings ?? []
    setState(
      result,
      'ok',
      `Thank you. ${published.insertedExposures} key(s) accepted for a ${verified.testtype} test` +
        ` (keys still in use today are held back until they expire).` +
        (warnings.length > 0 ? ` Notes: ${warnings.join('; ')}.` : ''),
    )
    codeInput.value = ''
  } catch (err) {
    const text = err instanceof KeysError ? `${err.message} (code ${err.code})` : describe(err)
    setState(result, 'bad', `Not sent: ${text}`)
  } finally {
    send.disabled = false
  }
})
