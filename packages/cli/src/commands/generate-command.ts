import { AbortError, normalizeRequest, type GenerateResult, type ImageRequest } from '@pictor/core';
import { saveImages, type SaveResult } from '@pictor/core/storage';
import { Command } from 'commander';
import {
  addClientOptions,
  addOutputOptions,
  addRequestOptions,
  requestFromFlags,
  type ClientFlags,
  type OutputFlags,
  type RequestFlags,
} from '../command-options.js';
import { displayPath } from '../display-path.js';
import { EXIT } from '../exit-codes.js';
import { formatWarning } from '../format-warning.js';
import { writeGallery } from '../gallery/write-gallery.js';
import { manifestWarner } from '../manifest-warnings.js';
import { interruptSignal } from '../interrupt-signal.js';
import type { CommandContext } from '../command-context.js';
import { openClient } from '../open-client.js';
import { describeError } from '../report-error.js';

type GenerateFlags = RequestFlags & ClientFlags & OutputFlags;

const EXAMPLES = `
Examples:
  $ pictor generate "a lighthouse at dusk"
  $ pictor generate "a lighthouse at dusk" -n 4 --aspect 16:9 --seed 7 --gallery
  $ TOGETHER_API_KEY=… pictor generate "a fox in the snow" --model black-forest-labs/FLUX.1-schnell --steps 4
  $ pictor generate "an isometric city" --provider openai --size 1536x1024 --out ./city --json
  $ pass show together | pictor generate "a koi pond" --provider together --api-key-stdin

With no API key in the environment and no --provider, pictor starts the offline sandbox in-process.
Images are written atomically and recorded in <out>/manifest.json; their paths are printed on stdout.`;

function jsonResult(result: GenerateResult, saved: SaveResult, galleryPath: string | undefined) {
  return {
    provider: result.provider,
    model: result.model,
    prompt: result.prompt,
    outDir: saved.dir,
    manifestPath: saved.manifestPath,
    galleryPath: galleryPath ?? null,
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
    })),
    failures: result.failures.map((f) => ({ index: f.index, error: f.error.toJSON() })),
    warnings: result.warnings,
    calls: result.calls,
  };
}

async function generate(prompt: string, flags: GenerateFlags, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  ctx.errorContext.json = flags.json;
  const request: ImageRequest = { prompt, ...requestFromFlags(flags) };
  normalizeRequest(request); // a bad request fails here, before a sandbox starts or anything is sent
  const session = await openClient(flags, ctx);
  const interrupt = interruptSignal(term, 'cancelling the generation');
  try {
    const started = Date.now();
    let result: GenerateResult;
    try {
      result = await session.client.generate(request, { signal: interrupt.signal });
    } catch (error) {
      if (!(interrupt.signal.aborted && AbortError.isInstance(error))) throw error;
      term.info('Interrupted: no image was saved.');
      return EXIT.interrupted;
    }
    const saved = await saveImages(result, flags.out, flags.fileName ? { fileName: flags.fileName } : {});
    const gallery = flags.gallery ? await writeGallery(flags.out, { onWarning: manifestWarner(term) }) : undefined;
    for (const warning of result.warnings) term.warn(formatWarning(warning));
    for (const failure of result.failures)
      term.error(`image ${failure.index} failed: ${describeError(failure.error, ctx.errorContext)}`);

    if (flags.json) {
      term.json(jsonResult(result, saved, gallery?.path));
    } else {
      for (const image of saved.images) term.out(displayPath(image.path));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const first = saved.images[0];
      const size = first ? `, ${first.width}x${first.height}` : '';
      term.info(
        `Saved ${saved.images.length} image${saved.images.length === 1 ? '' : 's'} from ${session.label} (${result.model}${size}) in ${seconds} s` +
          ` to ${displayPath(saved.dir)}; manifest ${displayPath(saved.manifestPath ?? '')}` +
          (gallery ? `; gallery ${displayPath(gallery.path)}` : ''),
      );
    }
    return result.failures.length ? EXIT.partial : EXIT.ok;
  } finally {
    interrupt.dispose();
    await session.close();
  }
}

export function generateCommand(ctx: CommandContext): Command {
  const command = new Command('generate')
    .alias('gen')
    .description('generate images from a prompt and save them with a manifest')
    .argument('<prompt>', 'what to draw');
  addRequestOptions(command);
  addClientOptions(command);
  addOutputOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (prompt: string, flags: GenerateFlags) => {
    ctx.exitCode = await generate(prompt, flags, ctx);
  });
}
