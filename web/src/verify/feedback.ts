/**
 * A sound and a vibration per result, where the browser allows them (the audio context starts
 * on the click that turns the camera on). Distinct patterns, so staff need not look: one high
 * tone = valid, two low = not valid, one middle = cannot confirm,
 * three short high = could not read (scan again).
 */
import type { VerdictKind } from '../../../src/core/verify/index.ts'

let audio: AudioContext | undefined

/** Call from a user gesture (a click) so that later tones may play. */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext()
    void audio.resume()
  } catch {
    audio = undefined
  }
}

const TONES: Record<VerdictKind, { hz: number; beeps: number }> = {
  valid: { hz: 1320, beeps: 1 },
  'not-valid': { hz: 330, beeps: 2 },
  'cannot-confirm': { hz: 660, beeps: 1 },
  'could-not-read': { hz: 880, beeps: 3 },
}
const VIBRATION: Record<VerdictKind, number[]> = {
  valid: [80],
  'not-valid': [200, 100, 200],
  'cannot-confirm': [150],
  'could-not-read': [40, 60, 40, 60, 40],
}

/** Cues given so far, on the page's root element (browser tests cannot hear). */
let signalsGiven = 0

export function signal(status: VerdictKind): void {
  signalsGiven++
  document.documentElement.dataset.signals = String(signalsGiven)
  try {
    navigator.vibrate?.(VIBRATION[status])
  } catch {}
  if (audio === undefined || audio.state !== 'running') return
  const { hz, beeps } = TONES[status]
  for (let i = 0; i < beeps; i++) {
    const start = audio.currentTime + i * 0.22
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = hz
    gain.gain.setValueAtTime(0.2, start)
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.18)
    osc.connect(gain).connect(audio.destination)
    osc.start(start)
    osc.stop(start + 0.2)
  }
}
