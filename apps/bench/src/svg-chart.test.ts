import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderChart, tickStep, type BarChart, type LineChart } from './svg-chart.ts';

type Node = Record<string, unknown>;

/** Parses the SVG, failing the test on any XML error (a repeated attribute, an unescaped `&`, an open tag). */
function parse(svg: string): Node {
  const valid = XMLValidator.validate(svg);
  expect(valid).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(svg) as Node;
}

/** Every element named `name` anywhere under `node`. */
function find(node: unknown, name: string): Node[] {
  if (Array.isArray(node)) return node.flatMap((n) => find(n, name));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as Node).flatMap(([key, value]) =>
    key === name ? (Array.isArray(value) ? (value as Node[]) : [value as Node]) : find(value, name),
  );
}

const progress: LineChart = {
  kind: 'lines',
  title: 'openai stand-in: images completed over time (limit 20/s, burst 5) & <co>',
  xLabel: 'seconds',
  yLabel: 'images',
  series: [
    {
      name: 'pictor-batch',
      points: [
        [0, 0],
        [0.4, 1],
        [0.5, 2],
        [1.2, 3],
      ],
    },
    {
      name: 'ai-sdk',
      points: [
        [0, 0],
        [0.3, 1],
        [2.5, 2],
      ],
    },
    {
      name: 'openai "p-limit"',
      points: [
        [0, 0],
        [0.9, 1],
      ],
    },
  ],
  ceiling: {
    name: 'limit: 5 + 20/s',
    points: [
      [0, 5],
      [0.1, 7],
    ],
  },
};

describe('renderChart', () => {
  it('draws one path per client and a dashed ceiling line, as valid XML', () => {
    const svg = renderChart(progress);
    const doc = parse(svg);
    expect(find(doc, 'svg')).toHaveLength(1);
    const paths = find(doc, 'path');
    const series = paths.filter((p) => p.class === 'series');
    expect(series.map((p) => p['data-series'])).toEqual(['pictor-batch', 'ai-sdk', 'openai "p-limit"']);
    for (const p of series) expect(p.d).toMatch(/^M[\d.]+ [\d.]+(H[\d.]+V[\d.]+)+$/);
    const ceiling = paths.filter((p) => p.class === 'ceiling');
    expect(ceiling).toHaveLength(1);
    expect(ceiling[0]?.['data-series']).toBe('limit: 5 + 20/s');
    expect(ceiling[0]?.['stroke-dasharray']).toBeDefined();
    // The title's markup characters are escaped, not taken for tags.
    expect(svg).toContain('&#38; &#60;co&#62;');
  });

  it('places a series by its data: a later point is further right, a higher count further up', () => {
    const doc = parse(renderChart(progress));
    const d = find(doc, 'path').find((p) => p['data-series'] === 'pictor-batch')?.d as string;
    const xs = [...d.matchAll(/H([\d.]+)/g)].map((m) => Number(m[1]));
    const ys = [...d.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ys).toEqual([...ys].sort((a, b) => b - a)); // SVG's y grows downwards
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(renderChart(structuredClone(progress))).toBe(renderChart(progress));
  });

  it('draws one bar per client, wider for a larger value', () => {
    const chart: BarChart = {
      kind: 'bars',
      title: 'Small payload: req/s',
      unit: 'req/s (median)',
      bars: [
        { label: 'pictor-core', value: 3796 },
        { label: 'raw-undici', value: 6382 },
        { label: 'openai', value: 1018 },
      ],
    };
    const groups = find(parse(renderChart(chart)), 'g').filter((g) => g.class === 'bar');
    expect(groups.map((g) => g['data-label'])).toEqual(['pictor-core', 'raw-undici', 'openai']);
    const widths = groups.map((g) => Number((find(g, 'rect')[0] as Node).width));
    expect(widths[1]).toBeGreaterThan(widths[0] as number);
    expect(widths[0]).toBeGreaterThan(widths[2] as number);
  });
});

describe('tickStep', () => {
  it('picks 1, 2 or 5 × 10^k', () => {
    expect(tickStep(300)).toBe(100);
    expect(tickStep(16)).toBe(5);
    expect(tickStep(0.9)).toBe(0.2);
    expect(tickStep(0)).toBe(1);
  });
});
