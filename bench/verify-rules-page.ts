/**
 * Browser entry of the door bench (bundled by bench/verify-rules.ts): the full path and the
 * verify-only path of bench/verify-rules-run.ts on the page's main thread, with the page's
 * WebCrypto (what /verify uses), and the added steps alone.
 */
import { type DoorMaterial, doorLoop, doorSteps, openDoor } from './verify-rules-run.ts'

/** `ruleFirst`: which path runs first (the driver alternates it between runs). */
async function run(material: DoorMaterial, rounds: number, ruleFirst: boolean) {
  const door = await openDoor(material)
  const loop = (fn: (text: string, now: number) => Promise<unknown>) =>
    doorLoop(material.cards, rounds, fn)
  let full: Awaited<ReturnType<typeof loop>>
  let verifyOnly: Awaited<ReturnType<typeof loop>>
  if (ruleFirst) {
    full = await loop(door.check)
    verifyOnly = await loop(door.verifyOnly)
  } else {
    verifyOnly = await loop(door.verifyOnly)
    full = await loop(door.check)
  }
  const steps = await doorSteps(door, material.cards, rounds)
  return { full, verifyOnly, steps }
}

;(globalThis as unknown as { vigilDoor: typeof run }).vigilDoor = run
