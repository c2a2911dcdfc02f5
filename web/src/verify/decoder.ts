/**
 * The page's side of QR decoding: frames and images become ImageData and go to the worker
 * (transferred, not copied); one answer per request.
 */
import type { DecodeRequest, DecodeResponse } from './qr-worker.ts'

let worker: Worker | undefined
let nextId = 1
const pending = new Map<number, (text: string | null) => void>()

function getWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL('./qr-worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (event: MessageEvent<DecodeResponse>) => {
      const resolve = pending.get(event.data.id)
      pending.delete(event.data.id)
      resolve?.(event.data.text)
    }
  }
  return worker
}

export function decodeImageData(image: ImageData, thorough: boolean): Promise<string | null> {
  const id = nextId++
  return new Promise((resolve) => {
    pending.set(id, resolve)
    const request: DecodeRequest = { id, image, thorough }
    getWorker().postMessage(request, [image.data.buffer])
  })
}

/** Draws a source (video frame or bitmap) scaled to at most `max` pixels on its long side. */
export function grab(
  canvas: HTMLCanvasElement,
  source: CanvasImageSource,
  width: number,
  height: number,
  max: number,
): ImageData | undefined {
  if (width === 0 || height === 0) return undefined
  const scale = Math.min(1, max / Math.max(width, height))
  canvas.width = Math.round(width * scale)
  canvas.height = Math.round(height * scale)
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (context === null) return undefined
  context.drawImage(source, 0, 0, canvas.width, canvas.height)
  return context.getImageData(0, 0, canvas.width, canvas.height)
}

/** Decodes the QR in an image file: full size first, then smaller (jsQR likes ~1000 px). */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file)
  const canvas = document.createElement('canvas')
  try {
    for (const max of [1600, 800, 400]) {
      const image = grab(canvas, bitmap, bitmap.width, bitmap.height, max)
      if (image === undefined) return null
      const text = await decodeImageData(image, true)
      if (text !== null) return text
      if (Math.max(bitmap.width, bitmap.height) <= max) break
    }
    return null
  } finally {
    bitmap.close()
  }
}
