/**
 * The part of pako 2.2.0 (no bundled types) that core/shc/deflate.ts uses: a streaming raw
 * inflater whose onData receives each output chunk and may throw to stop it.
 */
declare module 'pako' {
  export class Inflate {
    constructor(options: { raw: true; chunkSize: number })
    onData: (chunk: Uint8Array) => void
    push(data: Uint8Array, final: boolean): boolean
    readonly err: number
    readonly msg: string
    readonly ended: boolean
  }
}
