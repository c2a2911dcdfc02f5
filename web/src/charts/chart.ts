/**
 * Charts with Chart.js 4, tree-shaken: only the bar and line controllers, their elements, the
 * category and linear scales, the legend and the tooltip are registered. Series are told apart
 * by more than colour — bars by a fill pattern, lines by dash and point shape — and the palette
 * is Okabe–Ito (readable with the common colour-vision deficiencies). No animation: the chart is
 * drawn at once and holds still.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'
import { emptyRows, type Grid } from './grid.ts'
import { formatCount, formatRate } from './table.ts'

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
)

const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#6b6b00',
  '#4d4d4d',
  '#882255',
  '#117733',
]
const POINTS = [
  'circle',
  'rect',
  'triangle',
  'rectRot',
  'star',
  'crossRot',
  'cross',
  'dash',
] as const
const DASHES = [[], [8, 4], [2, 3], [10, 4, 2, 4], [4, 4], [14, 3], [1, 5], [6, 2, 2, 2]]

/** A fill with a pattern drawn over the colour, different for each series. */
function pattern(index: number, colour: string): CanvasPattern | string {
  const size = 10
  const tile = document.createElement('canvas')
  tile.width = size
  tile.height = size
  const g = tile.getContext('2d')
  if (g === null) return colour
  g.fillStyle = colour
  g.fillRect(0, 0, size, size)
  g.strokeStyle = 'rgba(255,255,255,0.85)'
  g.fillStyle = 'rgba(255,255,255,0.85)'
  g.lineWidth = 2
  const line = (x1: number, y1: number, x2: number, y2: number) => {
    g.beginPath()
    g.moveTo(x1, y1)
    g.lineTo(x2, y2)
    g.stroke()
  }
  switch (index % 8) {
    case 1:
      line(0, size, size, 0)
      break
    case 2:
      g.beginPath()
      g.arc(size / 2, size / 2, 2, 0, Math.PI * 2)
      g.fill()
      break
    case 3:
      line(0, size / 2, size, size / 2)
      break
    case 4:
      line(0, 0, size, size)
      line(0, size, size, 0)
      break
    case 5:
      line(size / 2, 0, size / 2, size)
      break
    case 6:
      line(0, 0, size, size)
      break
    case 7:
      line(0, size / 2, size, size / 2)
      line(size / 2, 0, size / 2, size)
      break
  }
  return g.createPattern(tile, 'repeat') ?? colour
}

export interface ChartSpec {
  type: 'bar' | 'line'
  /** Bars stacked (an epidemic curve by age band). */
  stacked?: boolean
  /** Bars along the y axis (places, whose names are long). */
  horizontal?: boolean
  /**
   * Words for a bar hidden whole (every plotted cell of its row suppressed): such a row is drawn
   * as a hatched grey band with these words, not left as an empty slot that reads as zero.
   */
  hiddenLabel?: string
  /** Words for a bar with no figure at all that is not hidden (a rate without population). */
  naLabel?: string
}

/** Grey diagonal hatching: the same for every hidden row, unlike any series' pattern. */
function hatch(): CanvasPattern | string {
  const tile = document.createElement('canvas')
  tile.width = 8
  tile.height = 8
  const g = tile.getContext('2d')
  if (g === null) return 'rgba(128,128,128,0.25)'
  g.fillStyle = 'rgba(128,128,128,0.12)'
  g.fillRect(0, 0, 8, 8)
  g.strokeStyle = 'rgba(90,90,90,0.55)'
  g.lineWidth = 1.5
  g.beginPath()
  g.moveTo(0, 8)
  g.lineTo(8, 0)
  g.stroke()
  return g.createPattern(tile, 'repeat') ?? 'rgba(128,128,128,0.25)'
}

/** The bar-chart slots with nothing drawn, said in words (a Chart.js inline plugin). */
function emptyRowsPlugin(grid: Grid, spec: ChartSpec, text: string) {
  const { hidden, na } = emptyRows(grid)
  const rows = [
    ...hidden.map((i) => ({ i, label: spec.hiddenLabel, band: true })),
    ...na.map((i) => ({ i, label: spec.naLabel, band: false })),
  ]
  return {
    id: 'emptyRows',
    afterDatasetsDraw(chart: Chart) {
      const area = chart.chartArea
      const scale = chart.scales[spec.horizontal ? 'y' : 'x']
      if (scale === undefined) return
      const n = grid.rows.length
      const g = chart.ctx
      g.save()
      for (const { i, label, band } of rows) {
        const mid = scale.getPixelForValue(i)
        const span = ((spec.horizontal ? area.height : area.width) / n) * 0.8
        const [x, y, w, h] = spec.horizontal
          ? [area.left, mid - span / 2, area.width, span]
          : [mid - span / 2, area.top, span, area.height]
        if (band) {
          g.fillStyle = hatch()
          g.fillRect(x, y, w, h)
          g.strokeStyle = 'rgba(90,90,90,0.7)'
          g.setLineDash([4, 3])
          g.strokeRect(x, y, w, h)
          g.setLineDash([])
        }
        if (label === undefined) continue
        g.fillStyle = text
        g.font = band ? '600 13px system-ui, sans-serif' : 'italic 12px system-ui, sans-serif'
        g.textAlign = spec.horizontal && !band ? 'left' : 'center'
        g.textBaseline = 'middle'
        if (spec.horizontal) {
          if (h >= 12) g.fillText(label, band ? x + w / 2 : x + 6, y + h / 2, w - 8)
        } else if (w >= 14) {
          g.save()
          g.translate(x + w / 2, y + h / 2)
          g.rotate(-Math.PI / 2)
          g.fillText(label, 0, 0, h - 8)
          g.restore()
        }
      }
      g.restore()
    },
  }
}

const charts = new WeakMap<HTMLCanvasElement, Chart>()

/** Draws (or redraws) the grid's plotted columns on the canvas. */
export function drawChart(canvas: HTMLCanvasElement, grid: Grid, spec: ChartSpec): Chart {
  charts.get(canvas)?.destroy()
  const plotted = grid.columns.filter((c) => c.plot)
  const percent = plotted.length > 0 && plotted.every((c) => c.kind === 'rate')
  const format = (v: number) => (percent ? formatRate(v) : formatCount(v))
  const text = getComputedStyle(canvas).color || '#333'
  const gridLine = 'rgba(128,128,128,0.25)'

  const datasets = plotted.map((c, i) => {
    const colour = PALETTE[i % PALETTE.length] as string
    const data = c.cells.map((cell) => (typeof cell === 'number' ? cell : null))
    if (spec.type === 'bar')
      return {
        type: 'bar',
        label: c.label,
        data,
        backgroundColor: pattern(i, colour),
        borderColor: colour,
        borderWidth: 1,
      } as ChartDataset<'bar', (number | null)[]>
    return {
      type: 'line',
      label: c.label,
      data,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: DASHES[i % DASHES.length],
      pointStyle: POINTS[i % POINTS.length],
      pointRadius: 3,
      borderWidth: 2,
      spanGaps: false,
    } as ChartDataset<'line', (number | null)[]>
  })

  const value = spec.horizontal ? 'x' : 'y'
  const category = spec.horizontal ? 'y' : 'x'
  const config: ChartConfiguration<'bar' | 'line', (number | null)[], string> = {
    type: spec.type,
    // Mixed bar and line datasets are one config to Chart.js; its types want them apart.
    data: {
      labels: grid.rows.map((r) => r.label),
      datasets: datasets as ChartDataset<'bar' | 'line', (number | null)[]>[],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      color: text,
      scales: {
        [category]: {
          stacked: spec.stacked === true,
          ticks: { color: text, autoSkip: true, maxRotation: 60 },
          grid: { color: gridLine },
        },
        [value]: {
          stacked: spec.stacked === true,
          beginAtZero: true,
          ticks: { color: text, callback: (v: number | string) => format(Number(v)) },
          grid: { color: gridLine },
        },
      },
      plugins: {
        legend: {
          display: plotted.length > 1,
          labels: { color: text, usePointStyle: spec.type === 'line' },
        },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.dataset.label ?? ''}: ${item.raw === null ? '—' : format(Number(item.raw))}`,
          },
        },
      },
    },
  }
  if (spec.type === 'bar') {
    config.plugins = [emptyRowsPlugin(grid, spec, text)]
    // The rows drawn as "too few to show", by key: what a test can read off a canvas.
    canvas.dataset.tooFew = emptyRows(grid)
      .hidden.map((i) => grid.rows[i]?.key ?? '')
      .join(' ')
  }
  const chart = new Chart(canvas, config)
  charts.set(canvas, chart)
  return chart
}
