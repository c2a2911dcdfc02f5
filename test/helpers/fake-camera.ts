/** What Chromium's fake camera plays (`--use-file-for-fake-video-capture`): a Y4M video. */
import { PNG } from 'pngjs'

/** A Y4M (4:2:0) video of the PNG centred on white: what Chromium's fake camera plays. */
export function y4mOf(png: Buffer, width = 640, height = 480, frames = 5): Buffer {
  const image = PNG.sync.read(png)
  const y = Buffer.alloc(width * height, 235)
  const ox = Math.floor((width - image.width) / 2)
  const oy = Math.floor((height - image.height) / 2)
  for (let row = 0; row < image.height; row++) {
    for (let col = 0; col < image.width; col++) {
      const i = (row * image.width + col) * 4
      const luma =
        0.299 * (image.data[i] as number) +
        0.587 * (image.data[i + 1] as number) +
        0.114 * (image.data[i + 2] as number)
      y[(oy + row) * width + ox + col] = Math.round(16 + (luma * 219) / 255)
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma])
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)])
}
