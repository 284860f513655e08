import { html } from 'hono/html'

export interface Bar {
  /** What the bar stands for (a month, a listing), shown under or beside it. */
  label: string
  /** The raw figure (minor units, a count, a ratio): kept on the element as data-value. */
  value: number
  /** The figure written for people ("$75.00", "3", "12.5%"). */
  display: string
  /** A stable key for the bar (the month, the listing id), kept on the element as data-key. */
  key: string
}

const WIDTH = 640

/** A chart's figure: its caption, which names the SVG for screen readers, around the drawing. */
const chartFrame = (id: string, title: string, height: number, drawing: ReturnType<typeof html>) =>
  html`<figure>
    <figcaption id="${id}-title">${title}</figcaption>
    <svg
      data-chart="${id}"
      role="img"
      aria-labelledby="${id}-title"
      viewBox="0 0 ${WIDTH} ${height}"
      width="100%"
      xmlns="http://www.w3.org/2000/svg"
    >
      ${drawing}
    </svg>
  </figure>`
const PLOT_HEIGHT = 160
const LABEL_HEIGHT = 36
const VALUE_HEIGHT = 16

/**
 * A vertical bar chart as inline SVG (no script, no external asset): one bar per entry, scaled to the largest,
 * the figure above each bar and its label below. Each bar carries its key and raw value as data attributes,
 * and a <title> for a tooltip and for screen readers.
 */
export function columnChart(id: string, title: string, bars: Bar[]) {
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const slot = WIDTH / Math.max(1, bars.length)
  const barWidth = Math.max(4, Math.min(56, slot * 0.6))
  const height = VALUE_HEIGHT + PLOT_HEIGHT + LABEL_HEIGHT
  return chartFrame(
    id,
    title,
    height,
    html`<line
        x1="0"
        x2="${WIDTH}"
        y1="${VALUE_HEIGHT + PLOT_HEIGHT}"
        y2="${VALUE_HEIGHT + PLOT_HEIGHT}"
        stroke="#999"
      />
      ${bars.map((bar, index) => {
        const barHeight = Math.round((bar.value / max) * PLOT_HEIGHT)
        const x = Math.round(index * slot + (slot - barWidth) / 2)
        const y = VALUE_HEIGHT + PLOT_HEIGHT - barHeight
        const middle = Math.round(index * slot + slot / 2)
        return html`<g class="bar" data-key="${bar.key}" data-value="${bar.value}">
          <rect x="${x}" y="${y}" width="${Math.round(barWidth)}" height="${barHeight}" fill="#3b6ea8">
            <title>${bar.label}: ${bar.display}</title>
          </rect>
          <text x="${middle}" y="${y - 4}" text-anchor="middle" font-size="11" class="value"
            >${bar.display}</text
          >
          <text x="${middle}" y="${VALUE_HEIGHT + PLOT_HEIGHT + 16}" text-anchor="middle" font-size="11">
            ${bar.label}
          </text>
        </g>`
      })}`,
  )
}

const ROW_HEIGHT = 26
const LABEL_WIDTH = 240
const FIGURE_WIDTH = 80

/** A horizontal bar chart as inline SVG for shares (0..1, such as occupancy), one row per entry. */
export function shareChart(id: string, title: string, bars: Bar[]) {
  const plot = WIDTH - LABEL_WIDTH - FIGURE_WIDTH
  const height = Math.max(1, bars.length) * ROW_HEIGHT
  return chartFrame(
    id,
    title,
    height,
    html`${bars.map((bar, index) => {
      const y = index * ROW_HEIGHT
      const length = Math.round(Math.min(1, Math.max(0, bar.value)) * plot)
      return html`<g class="bar" data-key="${bar.key}" data-value="${bar.value}">
        <text x="0" y="${y + 17}" font-size="12">${bar.label}</text>
        <rect x="${LABEL_WIDTH}" y="${y + 5}" width="${plot}" height="16" fill="#e6ebf2" />
        <rect x="${LABEL_WIDTH}" y="${y + 5}" width="${length}" height="16" fill="#3b6ea8">
          <title>${bar.label}: ${bar.display}</title>
        </rect>
        <text x="${WIDTH}" y="${y + 17}" text-anchor="end" font-size="12" class="value">${bar.display}</text>
      </g>`
    })}`,
  )
}
