export * from './crypto.ts'
export { SealError } from './seal.ts'
export type { Announce } from './store.ts'
export {
  KEYS_LOCK,
  type KeyPurpose,
  KeyStore,
  type PublicKeyInfo,
  type SigningKey,
} from './store.ts'
export * from './views.ts'
