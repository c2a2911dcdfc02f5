/// <reference lib="webworker" />
/**
 * QR decoding off the main thread: the platform's BarcodeDetector where it exists (Android,
 * macOS; not Linux Chromium), else jsQR. One frame in, the decoded text (or null) out.
 */
import jsQR from 'jsqr'

interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorLike {
  detect(image: ImageData): Promise<DetectedBarcode[]>
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike
  getSupportedFormats(): Promise<string[]>
}

export interface DecodeRequest {
  readonly id: number
  readonly image: ImageData
  /** Also try the colour-inverted image (slower; for photos of screens and prints). */
  readonly thorough: boolean
}

export interface DecodeResponse {
  readonly id: number
  readonly text: string | null
  readonly engine: 'BarcodeDetector' | 'jsQR'
}

let detector: Promise<BarcodeDetectorLike | null> | undefined

async function createDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (self as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (Detector === undefined) return null
  try {
    const formats = await Detector.getSupportedFormats()
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null
  } catch {
    return null
  }
}

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, image, thorough } = event.data
  detector ??= createDetector()
  const native = await detector
  if (native !== null) {
    try {
      const [code] = await native.detect(image)
      if (code !== undefined) {
        const response: DecodeResponse = { id, text: code.rawValue, engine: 'BarcodeDetector' }
        self.postMessage(response)
        return
      }
    } catch {
      detector = Promise.resolve(null)
    }
  }
  const found = jsQR(image.data, image.width, image.height, {
    inversionAttempts: thorough ? 'attemptBoth' : 'dontInvert',
  })
  const response: DecodeResponse = { id, text: found?.data ?? null, engine: 'jsQR' }
  self.postMessage(response)
}
