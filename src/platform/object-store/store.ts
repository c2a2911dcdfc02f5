/**
 * @module platform/object-store/store
 * The object store the log's static copy is published to (c2sp.org/tlog-tiles layout): a
 * directory any static web server or CDN serves (Node), or an R2 bucket (Workers). Keys are
 * tlog-tiles paths (`checkpoint`, `tile/0/x001/234`, `tile/entries/005.p/7`).
 */

export interface PutOptions {
  /** Never changes once written (tiles, bundles); false for the checkpoint. */
  immutable: boolean
}

export interface ObjectStore {
  /** Human-readable place, for logs (`dir /srv/log`, `r2 VIGIL_PUBLISH`). */
  readonly name: string
  /** Writes the whole object, or throws; a reader never sees part of it. */
  put(key: string, bytes: Uint8Array, options: PutOptions): Promise<void>
  /** The stored bytes, or undefined when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>
  /** The stored object's size, or undefined when there is none. */
  head(key: string): Promise<{ size: number } | undefined>
}

/** Content types a static server should send (the directory store cannot say; R2 records them). */
export const contentTypeOf = (key: string): string =>
  key === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream'

/** tlog-tiles: tiles and bundles never change; the checkpoint is the one mutable resource. */
export const cacheControlOf = (options: PutOptions): string =>
  options.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=2'

/** Keys are tlog-tiles paths: refuse anything that could step outside the store's root. */
export function checkKey(key: string): void {
  if (!/^(checkpoint|tile\/[0-9a-z./]+)$/.test(key) || key.includes('..') || key.includes('//'))
    throw new Error(`not a tlog-tiles object key: ${key.slice(0, 80)}`)
}
