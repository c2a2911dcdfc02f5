// jsonld 9 ships no types: the one call Vigil makes (RDF dataset canonicalisation, JSON-LD 1.1
// toRdf then RDFC-1.0), typed as far as it is used.
declare module 'jsonld' {
  export interface RemoteDocument {
    contextUrl: string | null
    documentUrl: string
    document: unknown
  }
  export interface CanonizeOptions {
    algorithm?: 'RDFC-1.0' | 'URDNA2015'
    format?: 'application/n-quads'
    documentLoader?: (url: string) => Promise<RemoteDocument>
    /** Safe mode (the default): a term no context defines is an error, not dropped. */
    safe?: boolean
  }
  const jsonld: { canonize(input: unknown, options?: CanonizeOptions): Promise<string> }
  export default jsonld
}
