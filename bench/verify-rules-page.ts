/**
 * Browser entry of the door bench (bundled by bench/verify-rules.ts): the full path and the
 * verify-only path of bench/verify-rules-run.ts on the page's main thread, with the page's
 * WebCrypto (what /verify uses), and the added steps alone.
 */
import { type DoorMaterial, doorLoop, doorSteps, openDoor } from './verify-rules-run.ts'

async function run(material: DoorMaterial, rounds: number) {
  const door = await openDoor(material)
  const full = await doorLoop(material.cards, rounds, door.check)
  const verifyOnly = await doorLoop(material.cards, rounds, door.verifyOnly)
  const steps = await doorSteps(door, material.cards, rounds)
  return { full, verifyOnly, steps }
}

;(globalThis as unknown as { vigilDoor: typeof run }).vigilDoor = run
