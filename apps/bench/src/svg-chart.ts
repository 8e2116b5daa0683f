// SVG charts of the benchmark's results, written as plain text. Two shapes are needed (bars, and step lines with a
// ceiling); a charting library (vega, chart.js + a canvas) would add megabytes and a renderer for ~150 lines of
// markup, and its output would change with its versions. Numbers are printed with fixed decimals, so the same data
// always gives the same bytes.

/** One bar per client (or per measure): the table's main figure. */
export interface BarChart {
  kind: 'bars';
  title: string;
  /** What the values are, e.g. "req/s (median)". */
  unit: string;
  bars: Array<{ label: string; value: number }>;
}

/** Points (x, y) in data units, in order of x. */
export interface LineSeries {
  name: string;
  points: Array<[number, number]>;
}

/** Step lines (a count rising as things complete), optionally against a dashed ceiling line. */
export interface LineChart {
  kind: 'lines';
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  ceiling?: LineSeries;
}

export type Chart = BarChart | LineChart;

/** Colour-blind-safe (Okabe–Ito), in series order. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const TITLE_FONT = 'font-family="system-ui, sans-serif" font-size="14" font-weight="bold"';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const num = (value: number): string => (Number.isFinite(value) ? Number(value.toFixed(1)).toString() : '0');

/** A round step (1, 2 or 5 × 10^k) giving about `count` ticks from 0 to `max`. */
export function tickStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) as number;
}

function label(value: number): string {
  return Math.abs(value) >= 1000
    ? value.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : Number(value.toPrecision(6)).toString();
}

function svg(width: number, height: number, title: string, body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" ${TITLE_FONT}>${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function bars(chart: BarChart): string {
  const rowHeight = 28;
  const left = 200;
  const plotWidth = 440;
  const top = 44;
  const height = top + chart.bars.length * rowHeight + 40;
  const max = Math.max(0, ...chart.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const step = tickStep(max);
  const scaleMax = Math.max(step, Math.ceil(max / step) * step);
  const x = (value: number): number => left + (Math.max(0, value) / scaleMax) * plotWidth;
  const body: string[] = [];
  const bottom = top + chart.bars.length * rowHeight;
  for (let t = 0; t <= scaleMax + step / 2; t += step) {
    body.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${bottom}" stroke="#dddddd"/>`);
    body.push(`<text x="${num(x(t))}" y="${bottom + 16}" ${FONT} text-anchor="middle">${label(t)}</text>`);
  }
  chart.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    body.push(
      `<g class="bar" data-label="${escapeXml(bar.label)}">`,
      `<text x="${left - 8}" y="${y + 18}" ${FONT} text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 5}" width="${num(x(value) - left)}" height="${rowHeight - 10}" fill="${PALETTE[0]}"/>`,
      `<text x="${num(x(value) + 6)}" y="${y + 18}" ${FONT}>${Number.isFinite(bar.value) ? label(Number(bar.value.toPrecision(4))) : '–'}</text>`,
      '</g>',
    );
  });
  body.push(
    `<text x="${left + plotWidth / 2}" y="${bottom + 34}" ${FONT} text-anchor="middle">${escapeXml(chart.unit)}</text>`,
  );
  return svg(left + plotWidth + 80, height, chart.title, body);
}

/** A step path: the count holds until the next point, then rises (what "completed so far" does). */
function stepPath(points: Array<[number, number]>, x: (v: number) => number, y: (v: number) => number): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points as [[number, number], ...Array<[number, number]>];
  return [`M${num(x(first[0]))} ${num(y(first[1]))}`, ...rest.map(([px, py]) => `H${num(x(px))}V${num(y(py))}`)].join(
    '',
  );
}

function lines(chart: LineChart): string {
  const left = 64;
  const top = 44;
  const plotWidth = 560;
  const plotHeight = 300;
  const legendWidth = 220;
  const all = [...chart.series, ...(chart.ceiling ? [chart.ceiling] : [])].flatMap((s) => s.points);
  const maxX = Math.max(0, ...all.map(([px]) => px));
  const maxY = Math.max(0, ...all.map(([, py]) => py));
  const stepX = tickStep(maxX);
  const stepY = tickStep(maxY);
  const spanX = Math.max(stepX, Math.ceil(maxX / stepX) * stepX);
  const spanY = Math.max(stepY, Math.ceil(maxY / stepY) * stepY);
  const x = (v: number): number => left + (v / spanX) * plotWidth;
  const y = (v: number): number => top + plotHeight - (v / spanY) * plotHeight;
  const body: string[] = [];
  for (let t = 0; t <= spanX + stepX / 2; t += stepX) {
    body.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${top + plotHeight}" stroke="#eeeeee"/>`);
    body.push(`<text x="${num(x(t))}" y="${top + plotHeight + 16}" ${FONT} text-anchor="middle">${label(t)}</text>`);
  }
  for (let t = 0; t <= spanY + stepY / 2; t += stepY) {
    body.push(`<line x1="${left}" y1="${num(y(t))}" x2="${left + plotWidth}" y2="${num(y(t))}" stroke="#eeeeee"/>`);
    body.push(`<text x="${left - 6}" y="${num(y(t) + 4)}" ${FONT} text-anchor="end">${label(t)}</text>`);
  }
  body.push(
    `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999999"/>`,
    `<text x="${left + plotWidth / 2}" y="${top + plotHeight + 34}" ${FONT} text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="16" y="${top + plotHeight / 2}" ${FONT} text-anchor="middle" transform="rotate(-90 16 ${top + plotHeight / 2})">${escapeXml(chart.yLabel)}</text>`,
  );
  const legend = (i: number, name: string, stroke: string, dash: string): void => {
    const ly = top + 10 + i * 20;
    const lx = left + plotWidth + 16;
    body.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${stroke}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}" ${FONT}>${escapeXml(name)}</text>`,
    );
  };
  if (chart.ceiling) {
    const d = chart.ceiling.points.map(([px, py], i) => `${i ? 'L' : 'M'}${num(x(px))} ${num(y(py))}`).join('');
    body.push(
      `<path class="ceiling" data-series="${escapeXml(chart.ceiling.name)}" d="${d}" fill="none" stroke="#666666" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
    legend(0, chart.ceiling.name, '#666666', ' stroke-dasharray="6 4"');
  }
  const offset = chart.ceiling ? 1 : 0;
  chart.series.forEach((series, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    body.push(
      `<path class="series" data-series="${escapeXml(series.name)}" d="${stepPath(series.points, x, y)}" fill="none" stroke="${colour}" stroke-width="2"/>`,
    );
    legend(i + offset, series.name, colour, '');
  });
  return svg(left + plotWidth + legendWidth, top + plotHeight + 48, chart.title, body);
}

/** A bar chart of one figure per row key of a scenario's `values` (e.g. req/s per client). */
export function barsOf(
  title: string,
  unit: string,
  values: Record<string, Record<string, number>>,
  keys: readonly string[],
  metric: string,
): BarChart {
  return { kind: 'bars', title, unit, bars: keys.map((key) => ({ label: key, value: values[key]?.[metric] ?? NaN })) };
}

/** The chart as a standalone SVG document. */
export function renderChart(chart: Chart): string {
  return chart.kind === 'bars' ? bars(chart) : lines(chart);
}
