import * as core from '@actions/core';
import {
  batchFormatOf,
  parseBatchFile,
  parseShard,
  type BatchFormat,
  type BatchJob,
  type Shard,
} from '@pictor/core/batch';
import {
  resolveClientOptions,
  validateRequestDefaults,
  ValidationError,
  type FieldIssue,
  type ImageRequest,
  type PictorClientOptions,
  type ProviderName,
} from '@pictor/core';
import { readFile } from 'node:fs/promises';
import { readEditInputs, type EditInputs } from './edit-inputs.js';
import { readPricesFile } from './prices-file.js';
import { insideWorkspace, workspaceDir } from './workspace-path.js';

/** What `run()` needs, read from the step's inputs. */
export interface ActionInputs {
  client: PictorClientOptions & { provider: ProviderName };
  jobs: BatchJob[];
  /** The images every prompt edits (`input-images`, `mask`); undefined for a generation. */
  edit: EditInputs | undefined;
  outputDir: string;
  fileName: string | undefined;
  skipExisting: boolean;
  failOnPartial: boolean;
  /** `dry-run`: print the plan and its estimated cost; send nothing, write nothing. */
  dryRun: boolean;
  /** `max-cost`: the batch's budget in USD. */
  maxCost: number | undefined;
  /** `shard`: this job's share of the prompts (`i/n`, e.g. from a matrix). */
  shard: Shard | undefined;
}

/** Core's field names → the inputs that set them, so every error names what the user wrote. */
const INPUT_OF_FIELD: Record<string, string> = {
  n: 'n',
  size: 'size',
  width: 'width',
  height: 'height',
  aspectRatio: 'aspect-ratio',
  seed: 'seed',
  steps: 'steps',
  outputFormat: 'output-format',
  provider: 'provider',
  model: 'model',
  baseURL: 'base-url',
  apiKey: 'api-key',
  maxCost: 'max-cost',
  prices: 'prices-file',
};

function toInputIssues(issues: FieldIssue[]): FieldIssue[] {
  return issues.map((issue) => ({ field: INPUT_OF_FIELD[issue.field] ?? issue.field, message: issue.message }));
}

function optional(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

function integerInput(name: string, issues: FieldIssue[]): number | undefined {
  const text = optional(name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) {
    issues.push({ field: name, message: `must be a whole number, got "${text}"` });
    return undefined;
  }
  return Number(text);
}

/** A budget in USD: a plain decimal number, 0 or more (no currency sign, no exponent). */
function usdInput(name: string, issues: FieldIssue[]): number | undefined {
  const text = optional(name);
  if (text === undefined) return undefined;
  const usd = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(usd) || usd > 1_000_000) {
    issues.push({ field: name, message: `must be an amount in USD from 0 to 1000000, e.g. 0.50; got "${text}"` });
    return undefined;
  }
  return usd;
}

function shardInput(issues: FieldIssue[]): Shard | undefined {
  const text = optional('shard');
  if (text === undefined) return undefined;
  try {
    return parseShard(text);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    issues.push(...error.issues);
    return undefined;
  }
}

function booleanInput(name: string, fallback: boolean, issues: FieldIssue[]): boolean {
  if (!optional(name)) return fallback;
  try {
    return core.getBooleanInput(name);
  } catch {
    issues.push({ field: name, message: 'must be true or false' });
    return fallback;
  }
}

/** The request fields every prompt gets unless a prompts-file line overrides them. */
function readDefaults(issues: FieldIssue[]): Partial<ImageRequest> {
  const defaults: Partial<ImageRequest> = {
    n: integerInput('n', issues),
    size: optional('size'),
    aspectRatio: optional('aspect-ratio') as ImageRequest['aspectRatio'],
    width: integerInput('width', issues),
    height: integerInput('height', issues),
    seed: integerInput('seed', issues),
    steps: integerInput('steps', issues),
    outputFormat: optional('output-format') as ImageRequest['outputFormat'],
  };
  for (const key of Object.keys(defaults) as Array<keyof ImageRequest>) {
    if (defaults[key] === undefined) delete defaults[key];
  }
  try {
    validateRequestDefaults(defaults);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    issues.push(...toInputIssues(error.issues));
  }
  return defaults;
}

async function readClientOptions(apiKey: string, issues: FieldIssue[]): Promise<ActionInputs['client']> {
  const prices = await readPricesFile(optional('prices-file'), issues);
  const options = {
    provider: (optional('provider') ?? 'together') as ProviderName,
    apiKey: apiKey || undefined,
    baseURL: optional('base-url'),
    model: optional('model'),
    ...(prices ? { prices } : {}),
  };
  try {
    resolveClientOptions(options);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    issues.push(...toInputIssues(error.issues));
  }
  return options;
}

interface PromptSource {
  input: 'prompt' | 'prompts-file';
  text: string;
  format: BatchFormat;
}

async function readSource(issues: FieldIssue[]): Promise<PromptSource | undefined> {
  const prompt = optional('prompt');
  const file = optional('prompts-file');
  if (prompt && file) issues.push({ field: 'prompt', message: 'give prompt or prompts-file, not both' });
  else if (prompt) return { input: 'prompt', text: prompt, format: 'text' };
  else if (!file) issues.push({ field: 'prompt', message: 'is required (one prompt per line), or give prompts-file' });
  else {
    try {
      const path = await insideWorkspace(file);
      if (!path) issues.push({ field: 'prompts-file', message: outsideMessage(file) });
      else return { input: 'prompts-file', text: await readFile(path, 'utf8'), format: batchFormatOf(file) };
    } catch (error) {
      issues.push({
        field: 'prompts-file',
        message: `cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
  }
  return undefined;
}

function outsideMessage(input: string): string {
  return `must be inside the workspace (${workspaceDir()}), symbolic links followed; got ${JSON.stringify(input)}`;
}

/** `output-dir`, which must stay inside the workspace as the README promises (links followed). */
export async function readOutputDir(issues: FieldIssue[]): Promise<string> {
  const input = optional('output-dir') ?? 'generated-images';
  const path = await insideWorkspace(input).catch(() => undefined);
  if (!path) issues.push({ field: 'output-dir', message: outsideMessage(input) });
  return path ?? input;
}

/**
 * Reads and validates every input. Throws one `ValidationError` naming each bad input (`n`, `api-key`,
 * `prompts-file: line 3.steps`, `output-dir` or `input-images` outside the workspace, …) before anything touches
 * the network. With `input-images`, the images are read here, once for every prompt.
 */
export async function readInputs(apiKey: string): Promise<ActionInputs> {
  const issues: FieldIssue[] = [];
  const client = await readClientOptions(apiKey, issues);
  const defaults = readDefaults(issues);
  const skipExisting = booleanInput('skip-existing', true, issues);
  const failOnPartial = booleanInput('fail-on-partial', true, issues);
  const dryRun = booleanInput('dry-run', false, issues);
  const maxCost = usdInput('max-cost', issues);
  const shard = shardInput(issues);
  const outputDir = await readOutputDir(issues);
  const source = await readSource(issues);
  const edit = await readEditInputs(optional('input-images'), optional('mask'), issues);
  if (issues.length || !source) throw new ValidationError(issues, 'inputs');

  const { input, text, format } = source;
  let jobs: BatchJob[];
  try {
    jobs = parseBatchFile(text, format, defaults);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    const named = error.issues.map((issue) => ({
      field: issue.field === 'file' ? input : `${input}: ${issue.field}`,
      message: issue.message,
    }));
    throw new ValidationError(named, 'inputs');
  }
  return {
    client,
    jobs,
    edit,
    outputDir,
    fileName: optional('file-name'),
    skipExisting,
    failOnPartial,
    dryRun,
    maxCost,
    shard,
  };
}
