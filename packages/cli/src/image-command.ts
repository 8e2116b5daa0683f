import {
  AbortError,
  type CostEstimate,
  type GenerateOptions,
  type GenerateResult,
  type PartialImage,
  type PictorClient,
} from '@pictor/core';
import { saveImages, type SaveResult } from '@pictor/core/storage';
import type { ClientFlags, CostFlags, OutputFlags, StreamFlags } from './command-options.js';
import type { CommandContext } from './command-context.js';
import { displayPath } from './display-path.js';
import { printPlan } from './dry-run.js';
import { costJson, formatCost } from './format-cost.js';
import { EXIT } from './exit-codes.js';
import { formatWarning } from './format-warning.js';
import { writeGallery } from './gallery/write-gallery.js';
import { interruptSignal } from './interrupt-signal.js';
import { keepPartials, recordedPartials, type KeptPartial } from './keep-partials.js';
import { manifestWarner } from './manifest-warnings.js';
import { openClient } from './open-client.js';
import { describeError } from './report-error.js';
import { createStreamProgress, type StreamShape } from './stream-progress.js';

export type ImageCommandFlags = ClientFlags & OutputFlags & StreamFlags & CostFlags;

/** What `generate` and `edit` differ in; everything else (saving, output, exit codes) is shared. */
export interface ImageJob {
  /** For the Ctrl-C message: `the generation`, `the edit`. */
  what: string;
  /** Validates the request before a sandbox starts or anything is sent; throws `ValidationError`. */
  check(): void | Promise<void>;
  /** Previews asked for (`undefined`: no stream), to size the progress display. */
  stream: StreamShape | undefined;
  /** The embedded sandbox's stand-in that can serve this job. */
  embedded: 'together' | 'openai';
  call(client: PictorClient, options: GenerateOptions): Promise<GenerateResult>;
  /** The prompt, as a dry run shows it. */
  prompt: string;
  /** What `call` would do and cost, with nothing sent (`--dry-run`). */
  estimate(client: PictorClient): CostEstimate | Promise<CostEstimate>;
  /** Fields added to the `--json` document (the edit's inputs). */
  json?(result: GenerateResult): Record<string, unknown>;
}

function jsonResult(
  job: ImageJob,
  result: GenerateResult,
  saved: SaveResult,
  kept: KeptPartial[] | undefined,
  galleryPath: string | undefined,
) {
  return {
    operation: result.operation,
    provider: result.provider,
    model: result.model,
    prompt: result.prompt,
    ...job.json?.(result),
    outDir: saved.dir,
    manifestPath: saved.manifestPath,
    galleryPath: galleryPath ?? null,
    cost: costJson(result.cost),
    images: saved.images.map((i) => ({
      path: i.path,
      file: i.file,
      index: i.index,
      seed: i.seed ?? null,
      width: i.width,
      height: i.height,
      mediaType: i.mediaType,
      sha256: i.sha256,
      bytes: i.bytes,
      cost: costJson(i.cost),
      ...(kept
        ? {
            partials: kept.filter((p) => p.index === i.index).map(({ index: _index, ...partial }) => partial),
          }
        : {}),
    })),
    failures: result.failures.map((f) => ({ index: f.index, error: f.error.toJSON() })),
    warnings: result.warnings,
    calls: result.calls,
  };
}

/** `--dry-run`: plans and prices the job and prints it; no request is sent, no file written, no sandbox started. */
async function dryRun(job: ImageJob, flags: ImageCommandFlags, ctx: CommandContext): Promise<number> {
  const session = await openClient(flags, ctx, { embedded: job.embedded, dryRun: true });
  try {
    const estimate = await job.estimate(session.client);
    printPlan(
      ctx.term,
      { provider: session.client.provider, label: session.label },
      [{ prompt: job.prompt, estimate }],
      flags.json,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/**
 * Runs one generation or edit: validates, opens the client, calls with Ctrl-C wired to cancel (exit 130, nothing
 * saved), shows previews when streaming, saves the images atomically with the manifest (and the previews with
 * `--keep-partials`), and prints paths or one JSON document. Returns the exit code.
 */
export async function runImageCommand(job: ImageJob, flags: ImageCommandFlags, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  ctx.errorContext.json = flags.json;
  await job.check();
  if (flags.dryRun) return dryRun(job, flags, ctx);
  const session = await openClient(flags, ctx, { embedded: job.embedded });
  const interrupt = interruptSignal(term, `cancelling ${job.what}`);
  try {
    const started = Date.now();
    const partials: PartialImage[] = [];
    const progress = job.stream ? createStreamProgress(job.stream, term) : undefined;
    let result: GenerateResult;
    try {
      result = await job.call(session.client, {
        signal: interrupt.signal,
        ...(flags.maxCost === undefined ? {} : { maxCost: flags.maxCost }),
        ...(progress
          ? {
              onPartialImage: (partial: PartialImage) => {
                if (flags.keepPartials) partials.push(partial);
                progress.onPartial(partial);
              },
            }
          : {}),
      });
    } catch (error) {
      if (!(interrupt.signal.aborted && AbortError.isInstance(error))) throw error;
      progress?.stop();
      term.info('Interrupted: no image was saved.');
      return EXIT.interrupted;
    } finally {
      progress?.stop();
    }
    const owned = flags.keepPartials ? await recordedPartials(flags.out) : undefined;
    const saved = await saveImages(result, flags.out, flags.fileName ? { fileName: flags.fileName } : {});
    const kept = owned ? await keepPartials(saved, partials, owned) : undefined;
    const gallery = flags.gallery ? await writeGallery(flags.out, { onWarning: manifestWarner(term) }) : undefined;
    for (const warning of result.warnings) term.warn(formatWarning(warning));
    for (const failure of result.failures)
      term.error(`image ${failure.index} failed: ${describeError(failure.error, ctx.errorContext)}`);

    if (flags.json) {
      term.json(jsonResult(job, result, saved, kept, gallery?.path));
    } else {
      for (const image of saved.images) term.out(displayPath(image.path));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const first = saved.images[0];
      const size = first ? `, ${first.width}x${first.height}` : '';
      const previews = kept ? `; kept ${kept.length} preview${kept.length === 1 ? '' : 's'} (*.partial-<k>.*)` : '';
      term.info(
        `Saved ${saved.images.length} image${saved.images.length === 1 ? '' : 's'} from ${session.label} (${result.model}${size}) in ${seconds} s` +
          ` to ${displayPath(saved.dir)}; manifest ${displayPath(saved.manifestPath ?? '')}` +
          previews +
          (gallery ? `; gallery ${displayPath(gallery.path)}` : ''),
      );
      term.info(`cost: ${formatCost(costJson(result.cost))}`);
    }
    return result.failures.length ? EXIT.partial : EXIT.ok;
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
