/**
 * The page's side of QR decoding: frames and images become ImageData and go to the worker
 * (transferred, not copied); one answer per request.
 */
import type { DecodeRequest, DecodeResponse } from './qr-worker.ts'
import workerUrl from './qr-worker.ts?worker&url'

let worker: Promise<Worker> | undefined
let nextId = 1
const pending = new Map<
  number,
  { resolve: (text: string | null) => void; reject: (err: Error) => void }
>()

/**
 * The worker's script is fetched like any other asset (the service worker answers from its
 * precache offline) and started from a blob: URL. Chromium may fail a worker's own script load
 * while offline even when the service worker holds it; a fetch is answered reliably.
 */
async function startWorker(): Promise<Worker> {
  let url = workerUrl
  try {
    const res = await fetch(workerUrl)
    if (res.ok) url = URL.createObjectURL(await res.blob())
  } catch {}
  const started = new Worker(url)
  started.onmessage = (event: MessageEvent<DecodeResponse>) => {
    const waiting = pending.get(event.data.id)
    pending.delete(event.data.id)
    waiting?.resolve(event.data.text)
  }
  // A script that cannot load must not leave "Reading the file…" on screen for ever: every
  // request waiting on it fails, and the next one starts a new worker.
  started.onerror = (event) => {
    event.preventDefault()
    worker = undefined
    for (const waiting of pending.values()) waiting.reject(new Error('QR reader unavailable'))
    pending.clear()
  }
  return started
}

export async function decodeImageData(image: ImageData, thorough: boolean): Promise<string | null> {
  worker ??= startWorker()
  const running = await worker
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    const request: DecodeRequest = { id, image, thorough }
    running.postMessage(request, [image.data.buffer])
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

/** Long side, in pixels, an SVG is drawn at: vector art has no pixels of its own. */
const SVG_RASTER = 1000

function isSvg(file: Blob): boolean {
  return file.type === 'image/svg+xml' || (file instanceof File && /\.svgz?$/i.test(file.name))
}

/**
 * An image the platform decodes only through `<img>` (SVG: createImageBitmap refuses it in
 * Chromium), drawn on a white canvas: QR SVGs often leave the light modules transparent, and
 * transparent pixels read as black (HTML Living Standard §4.12.5.1.14, drawImage).
 */
async function rasterise(file: Blob): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    const w = img.naturalWidth || SVG_RASTER
    const h = img.naturalHeight || SVG_RASTER
    const scale = SVG_RASTER / Math.max(w, h)
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(w * scale)
    canvas.height = Math.round(h * scale)
    const context = canvas.getContext('2d')
    if (context === null) throw new Error('no 2D canvas')
    context.fillStyle = '#fff'
    context.fillRect(0, 0, canvas.width, canvas.height)
    context.drawImage(img, 0, 0, canvas.width, canvas.height)
    return canvas
  } finally {
    URL.revokeObjectURL(url)
  }
}

/** A drawable of the file: a bitmap where the platform decodes it, else an `<img>` raster. */
async function openImage(
  file: Blob,
): Promise<{ source: CanvasImageSource; width: number; height: number; close(): void }> {
  if (!isSvg(file)) {
    try {
      const bitmap = await createImageBitmap(file)
      return {
        source: bitmap,
        width: bitmap.width,
        height: bitmap.height,
        close: () => bitmap.close(),
      }
    } catch {
      // Not a format createImageBitmap takes (e.g. an SVG sent without its type): try <img>.
    }
  }
  const canvas = await rasterise(file)
  return { source: canvas, width: canvas.width, height: canvas.height, close: () => undefined }
}

/**
 * Decodes the QR in an image file (PNG, JPEG, WebP, GIF, SVG, a photo of a screen): full size
 * first, then smaller (jsQR likes ~1000 px and a photo's noise shrinks with it).
 */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const image = await openImage(file)
  const canvas = document.createElement('canvas')
  try {
    for (const max of [1600, 800, 400]) {
      const data = grab(canvas, image.source, image.width, image.height, max)
      if (data === undefined) return null
      const text = await decodeImageData(data, true)
      if (text !== null) return text
      if (Math.max(image.width, image.height) <= max) break
    }
    return null
  } finally {
    image.close()
  }
}
