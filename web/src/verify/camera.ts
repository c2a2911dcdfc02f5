/**
 * Camera scanning: getUserMedia (the rear camera where there is one), a frame every ~120 ms
 * drawn to a canvas and decoded in the worker, one frame in flight at a time. The same QR seen
 * again within a few seconds is ignored, so a queue can be scanned without double results.
 */
import { decodeImageData, grab } from './decoder.ts'

const FRAME_MS = 120
const MAX_FRAME = 960
const REPEAT_MS = 4000

export interface Scanner {
  stop(): void
}

export async function startScanner(
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<Scanner> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: 'environment' } },
    audio: false,
  })
  video.srcObject = stream
  await video.play()
  const canvas = document.createElement('canvas')
  let running = true
  let last = { text: '', at: 0 }
  const tick = async () => {
    if (!running) return
    const image = grab(canvas, video, video.videoWidth, video.videoHeight, MAX_FRAME)
    const text = image === undefined ? null : await decodeImageData(image, false)
    if (running && text !== null) {
      const now = performance.now()
      if (text !== last.text || now - last.at > REPEAT_MS) onText(text)
      last = { text, at: now }
    }
    if (running) setTimeout(tick, FRAME_MS)
  }
  setTimeout(tick, FRAME_MS)
  return {
    stop() {
      running = false
      for (const track of stream.getTracks()) track.stop()
      video.srcObject = null
    },
  }
}
