import {
  ASPECT_RATIO_NAMES,
  fileNamePatternProblem,
  PROVIDER_NAMES,
  type Dialect,
  type ImageRequest,
} from '@pictor/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { decimal, integer } from './parse-number.js';

/** The request flags of `generate` (and, as defaults for every prompt, of `batch`). */
export interface RequestFlags {
  count?: number;
  model?: string;
  size?: string;
  aspect?: string;
  width?: number;
  height?: number;
  seed?: number;
  steps?: number;
  guidance?: number;
  negativePrompt?: string;
  format?: 'png' | 'jpeg' | 'webp';
  quality?: string;
}

/** Where each request field comes from on the command line, to name flags in validation errors. */
export const FLAG_OF_FIELD: Record<string, string> = {
  prompt: 'prompt',
  n: '-n/--count',
  model: '--model',
  size: '--size',
  aspectRatio: '--aspect',
  width: '--width',
  height: '--height',
  seed: '--seed',
  steps: '--steps',
  guidanceScale: '--guidance',
  negativePrompt: '--negative-prompt',
  outputFormat: '--format',
  quality: '--quality',
  baseURL: '--base-url',
  dialect: '--dialect',
  apiKey: 'API key',
  fileName: '--file-name',
  deadlineMs: '--deadline',
  stream: '--stream',
  partialImages: '--partial-images',
  images: '<image>...',
  mask: '--mask',
  inputFidelity: '--input-fidelity',
  maxCost: '--max-cost',
  prices: '--prices',
};

/** The provider flags of `generate`, `batch` and `models`. */
export interface ClientFlags {
  provider?: string;
  baseUrl?: string;
  dialect?: Dialect;
  apiKeyStdin?: boolean;
  retries?: number;
  timeout?: number;
  deadline?: number;
  /** `--prices <file>`: a JSON price table passed to the client as `prices`. */
  prices?: string;
}

/** The cost flags of `generate`, `edit` and `batch`. */
export interface CostFlags {
  dryRun?: boolean;
  maxCost?: number;
}

/** The streaming flags of `generate` and `edit`. */
export interface StreamFlags {
  stream?: boolean;
  partialImages?: number;
  keepPartials?: boolean;
}

/** Previews per image asked for when `--stream` (or `--keep-partials`) is given without `--partial-images`. */
export const DEFAULT_PARTIAL_IMAGES = 2;

/** The output flags of `generate` and `batch`. */
export interface OutputFlags {
  out: string;
  fileName?: string;
  gallery?: boolean;
  json?: boolean;
}

export function addRequestOptions(command: Command): Command {
  return command
    .optionsGroup('Image options:')
    .option('-n, --count <n>', 'number of images', integer(1, 128))
    .option('-m, --model <id>', "model id (default: the provider's)")
    .option('-s, --size <WxH>', 'image size, e.g. 1024x768, or "auto"')
    .addOption(new Option('-a, --aspect <ratio>', 'aspect ratio instead of a size').choices(ASPECT_RATIO_NAMES))
    .option('--width <px>', 'width in pixels (with --height)', integer(1))
    .option('--height <px>', 'height in pixels (with --width)', integer(1))
    .option('--seed <n>', 'seed, for repeatable images', integer(0))
    .option('--steps <n>', 'diffusion steps (Together: 1-50)', integer(0))
    .option('--guidance <scale>', 'guidance scale', decimal(0))
    .option('--negative-prompt <text>', 'what to keep out of the image')
    .addOption(new Option('-f, --format <format>', 'image format').choices(['png', 'jpeg', 'webp']))
    .option('--quality <quality>', 'quality, for OpenAI-style models (low, medium, high, standard, hd, auto)');
}

export function addStreamOptions(command: Command): Command {
  return command
    .optionsGroup('Streaming options:')
    .option(
      '--stream',
      `show previews while the images are made (GPT image models; ${DEFAULT_PARTIAL_IMAGES} per image unless --partial-images)`,
    )
    .option('--partial-images <n>', 'previews per image, 0-3 (implies --stream)', integer(0, 3))
    .option('--keep-partials', 'also save the previews, as <name>.partial-<k>.<ext> (implies --stream)');
}

export function addClientOptions(command: Command): Command {
  return command
    .optionsGroup('Provider options:')
    .addOption(
      new Option(
        '-p, --provider <name>',
        'provider (default: from the API key found, else the embedded sandbox)',
      ).choices(PROVIDER_NAMES),
    )
    .option('--base-url <url>', 'API base URL (a base URL without --provider means a custom OpenAI-compatible gateway)')
    .addOption(new Option('--dialect <dialect>', 'wire dialect of a custom provider').choices(['openai', 'together']))
    .option('--api-key-stdin', 'read the API key from stdin instead of the environment')
    .option('--retries <n>', 'retries of failed calls (default 2)', integer(0, 10))
    .option('--timeout <seconds>', 'give up on a call after this long without data (default 600)', decimal(1))
    .option(
      '--deadline <seconds>',
      'give up on a generation after this long in all, retries included (default 1800)',
      decimal(1),
    );
}

export function addCostOptions(command: Command): Command {
  return command
    .optionsGroup('Cost options:')
    .option('--dry-run', 'print what would be sent and its estimated cost; send nothing, write nothing')
    .option('--max-cost <usd>', 'budget in USD: a call that would pass it is not sent (exit 6)', decimal(0))
    .option('--prices <file>', 'a JSON price table of your own, before the built-in prices');
}

export function addOutputOptions(command: Command): Command {
  return command
    .optionsGroup('Output options:')
    .option('-o, --out <dir>', 'folder for the images and manifest.json', './images')
    .option('--file-name <pattern>', 'file-name pattern: {slug} {index} {seed} {model} {key} {hash}', fileNamePattern)
    .option('--gallery', 'also write index.html, a contact sheet of the folder')
    .option('--json', 'print one JSON document on stdout instead of the usual output');
}

/** Checks `--file-name` as it is parsed, so a pattern that cannot be saved stops the command before any call. */
function fileNamePattern(value: string): string {
  const problem = fileNamePatternProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}

/** The request fields given on the command line (unset flags left out). */
export function requestFromFlags(flags: RequestFlags): Partial<ImageRequest> {
  const fields: Record<string, unknown> = {
    n: flags.count,
    model: flags.model,
    size: flags.size,
    aspectRatio: flags.aspect,
    width: flags.width,
    height: flags.height,
    seed: flags.seed,
    steps: flags.steps,
    guidanceScale: flags.guidance,
    negativePrompt: flags.negativePrompt,
    outputFormat: flags.format,
    quality: flags.quality,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<ImageRequest>;
}

/** `stream` and `partialImages` from the streaming flags; nothing when none was given. */
export function streamFromFlags(flags: StreamFlags): Partial<Pick<ImageRequest, 'stream' | 'partialImages'>> {
  if (!flags.stream && flags.partialImages === undefined && !flags.keepPartials) return {};
  return { stream: true, partialImages: flags.partialImages ?? DEFAULT_PARTIAL_IMAGES };
}
