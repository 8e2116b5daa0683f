import * as core from '@actions/core';
import { stripControl } from '@pictor/core';
import type { BatchReport } from '@pictor/core/batch';
import type { ImageRow } from './batch-progress.js';
import { formatUsd, type ReportedCost } from './cost-text.js';
import type { PromptCost } from './prompt-costs.js';

type SummaryTableRow = Parameters<typeof core.summary.addTable>[0][number];

/**
 * `core.summary` writes cells as raw HTML, rendered as Markdown: every value (prompts, paths, and what a manifest
 * recorded) is untrusted text. Markdown's own markers are escaped too, so none becomes a link or an image.
 */
export function escapeHtml(value: string | number): string {
  return stripControl(String(value)).replace(/[&<>"'[\]()!`*_|\\]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isWebURL(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\//i.test(url);
}

export interface SummaryInput {
  rows: ImageRow[];
  report: BatchReport;
  /** Provider, base URL and model, e.g. `together at https://api.together.xyz/v1, model black-forest-labs/FLUX.1-schnell`. */
  target: string;
  manifest: string;
  /** Each prompt's cost, and what this run spent. */
  costs: { prompts: PromptCost[]; total: ReportedCost };
}

const RUN_OF_STATUS: Record<PromptCost['status'], string> = {
  generated: 'generated',
  partial: 'partial',
  skipped: 'skipped (earlier run)',
  failed: 'failed',
  'not-started': 'not run',
};

function usdCell(cost: ReportedCost | undefined): string {
  if (!cost) return '—';
  return cost.usd === undefined ? 'unknown' : escapeHtml(formatUsd(cost.usd));
}

/** The cost table: one row per prompt (cost and basis), and a total row for what this run spent. */
export function costTable({ prompts, total }: SummaryInput['costs']): SummaryTableRow[] {
  const header = ['Line', 'Prompt', 'Run', 'Images', 'Cost (USD)', 'Basis'].map((data) => ({ data, header: true }));
  const rows: SummaryTableRow[] = prompts.map((p) => [
    escapeHtml(p.line),
    escapeHtml(p.prompt),
    RUN_OF_STATUS[p.status],
    escapeHtml(p.images),
    usdCell(p.cost),
    p.cost ? p.cost.basis : '—',
  ]);
  const made = prompts.filter((p) => p.status !== 'skipped').reduce((sum, p) => sum + p.images, 0);
  const totalRow: SummaryTableRow = [
    '<strong>Total</strong>',
    'this run',
    '—',
    escapeHtml(made),
    `<strong>${usdCell(total)}</strong>`,
    total.basis,
  ];
  return [header, ...rows, totalRow];
}

/**
 * Appends the job summary: what was generated and skipped, a table of every image (file, prompt, seed, size,
 * sha256, and a link where the provider returned a URL), the cost of each prompt with a total, and the failed
 * prompts. Skipped silently where the runner gives no summary file (a local run).
 */
export async function writeSummary({ rows, report, target, manifest, costs }: SummaryInput): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const generated = rows.filter((r) => r.status === 'generated').length;
  const withLinks = rows.some((r) => isWebURL(r.url));
  const header: SummaryTableRow = [
    'File',
    'Prompt',
    'Seed',
    'Size',
    'SHA-256',
    'Run',
    ...(withLinks ? ['Link'] : []),
  ].map((data) => ({ data, header: true }));
  const body: SummaryTableRow[] = rows.map((r) => [
    `<code>${escapeHtml(r.path)}</code>`,
    escapeHtml(r.prompt),
    r.seed === undefined ? '' : escapeHtml(r.seed),
    `${escapeHtml(r.width)}×${escapeHtml(r.height)}`,
    `<code>${escapeHtml(r.sha256)}</code>`,
    escapeHtml(r.status),
    ...(withLinks ? [isWebURL(r.url) ? `<a href="${escapeHtml(r.url)}">provider URL</a>` : ''] : []),
  ]);
  const summary = core.summary
    .addHeading('Pictor images', 2)
    .addRaw(
      `<p>${generated} generated, ${rows.length - generated} skipped (already in <code>${escapeHtml(manifest)}</code>), ` +
        `${report.failed} of ${report.total} prompt(s) failed${report.notStarted ? `, ${report.notStarted} not run` : ''} — ${escapeHtml(target)}.` +
        (report.shard
          ? ` Shard ${report.shard.index}/${report.shard.total}: ${report.otherShards} prompt(s) left to the other shards.`
          : '') +
        '</p>',
      true,
    );
  if (rows.length) summary.addTable([header, ...body]);
  summary.addHeading('Cost', 3).addTable(costTable(costs));
  if (report.failures.length) {
    summary
      .addHeading('Failed prompts', 3)
      .addList(
        report.failures.map(
          (f) => `line ${f.line} “${escapeHtml(f.prompt)}”: ${escapeHtml(`${f.error.name}: ${f.error.message}`)}`,
        ),
      );
  }
  await summary.write();
}
