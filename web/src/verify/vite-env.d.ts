/** Vite's `?worker&url` import: the built worker script's URL (vite.dev/guide/features#web-workers). */
declare module '*?worker&url' {
  const url: string
  export default url
}
