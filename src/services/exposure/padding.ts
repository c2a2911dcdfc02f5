/**
 * @module services/exposure/padding
 * Random padding on the device flow's answers, as google/exposure-notifications-server pads its
 * own, so that the size of a response says nothing about what it carries.
 */
import { toBase64 } from '../../core/codec/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'

/** `min` + rand[0, spread) random bytes, standard base64. */
function noise(random: ServiceContext['random'], min: number, spread: number): string {
  const r = random(2)
  return toBase64(random(min + ((((r[0] as number) << 8) | (r[1] as number)) % spread)))
}

/** The verify and certificate answers: 256 to 1,023 bytes of noise. */
export const deviceResponsePadding = (random: ServiceContext['random']): string =>
  noise(random, 256, 768)

/** The publish answer: 1,024 to 2,047 bytes of noise. */
export const publishPadding = (random: ServiceContext['random']): string =>
  noise(random, 1024, 1024).slice(0, -4)
