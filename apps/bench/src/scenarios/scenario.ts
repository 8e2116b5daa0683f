import type { Chart } from '../svg-chart.ts';

/** What the orchestrator passes every scenario. */
export interface ScenarioContext {
  /** CI smoke: one round, short windows; the numbers mean nothing. */
  quick: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** One target of the issue, judged against this run's numbers. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** What a scenario hands the report: one table, the medians behind it, the targets and notes. */
export interface ScenarioReport {
  id: number;
  title: string;
  /** How it was measured, one paragraph. */
  method: string;
  head: string[];
  rows: string[][];
  /** Row key → metric → median, for `--json` and the smoke test. */
  values: Record<string, Record<string, number>>;
  targets: TargetCheck[];
  notes: string[];
  /** Charts of this run, written by `--write` (or `--charts <dir>`) as `<file>` (e.g. `3-fan-out.svg`). */
  charts?: Array<{ file: string; chart: Chart }>;
}
