export { SealError } from './seal.ts'
export { type KeyPurpose, KeyStore, type PublicKeyInfo, type SigningKey } from './store.ts'
