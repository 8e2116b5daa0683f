import { normalizeRequest, type ImageRequest } from '@pictor/core';
import { Command } from 'commander';
import {
  addClientOptions,
  addCostOptions,
  addOutputOptions,
  addRequestOptions,
  addStreamOptions,
  requestFromFlags,
  streamFromFlags,
  type RequestFlags,
} from '../command-options.js';
import type { CommandContext } from '../command-context.js';
import { runImageCommand, type ImageCommandFlags } from '../image-command.js';

type GenerateFlags = RequestFlags & ImageCommandFlags;

const EXAMPLES = `
Examples:
  $ pictor generate "a lighthouse at dusk"
  $ pictor generate "a lighthouse at dusk" -n 4 --aspect 16:9 --seed 7 --gallery
  $ TOGETHER_API_KEY=… pictor generate "a fox in the snow" --model black-forest-labs/FLUX.1-schnell --steps 4
  $ pictor generate "an isometric city" --provider openai --size 1536x1024 --out ./city --json
  $ pass show together | pictor generate "a koi pond" --provider together --api-key-stdin
  $ pictor generate "a koi pond" --stream --keep-partials          # previews as they arrive, saved too
  $ pictor generate "a koi pond" -n 8 --provider openai --quality high --dry-run   # the cost, nothing sent
  $ pictor generate "a koi pond" -n 8 --max-cost 0.50             # stops before a call that would pass $0.50

With no API key in the environment and no --provider, pictor starts the offline sandbox in-process (with
--stream, its OpenAI stand-in, whose GPT image models stream).
Images are written atomically and recorded in <out>/manifest.json; their paths are printed on stdout.`;

async function generate(prompt: string, flags: GenerateFlags, ctx: CommandContext): Promise<number> {
  const request: ImageRequest = { prompt, ...requestFromFlags(flags), ...streamFromFlags(flags) };
  return runImageCommand(
    {
      what: 'the generation',
      check: () => void normalizeRequest(request),
      stream: request.stream ? { images: request.n ?? 1, partials: request.partialImages ?? 0 } : undefined,
      embedded: request.stream ? 'openai' : 'together',
      call: (client, options) => client.generate(request, options),
      prompt,
      estimate: (client) => client.estimateCost(request),
    },
    flags,
    ctx,
  );
}

export function generateCommand(ctx: CommandContext): Command {
  const command = new Command('generate')
    .alias('gen')
    .description('generate images from a prompt and save them with a manifest')
    .argument('<prompt>', 'what to draw');
  addRequestOptions(command);
  addStreamOptions(command);
  addCostOptions(command);
  addClientOptions(command);
  addOutputOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (prompt: string, flags: GenerateFlags) => {
    ctx.exitCode = await generate(prompt, flags, ctx);
  });
}
