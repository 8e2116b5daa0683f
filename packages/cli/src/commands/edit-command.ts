import { normalizeRequest, type EditRequest, type GenerateResult } from '@pictor/core';
import { Command, Option } from 'commander';
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
import { checkEditInputs } from '../check-edit-inputs.js';
import { editInputs, imageInput } from '../edit-inputs.js';
import { runImageCommand, type ImageCommandFlags } from '../image-command.js';

type EditFlags = RequestFlags & ImageCommandFlags & { mask?: string; inputFidelity?: 'high' | 'low' };

const EXAMPLES = `
Examples:
  $ pictor edit photo.png "make it a watercolour"
  $ pictor edit room.jpg sofa.png lamp.png "a cosy living room with this sofa and this lamp" --size 1536x1024
  $ pictor edit photo.png "a red balloon in the sky" --mask sky-mask.png --input-fidelity high
  $ pictor edit https://example.com/cat.png "the cat in a space suit" --stream --keep-partials
  $ TOGETHER_API_KEY=… pictor edit photo.jpg "as a pencil sketch" --model black-forest-labs/FLUX.1-kontext-pro
  $ pictor edit photo.png "make it a watercolour" -n 4 --dry-run     # checks the inputs, prices it, sends nothing

The last argument is the prompt; the ones before it are the images, local files (PNG, JPEG or WebP) or
http(s) URLs. A mask (OpenAI) is a PNG the size of the first image whose transparent pixels mark what to change.
Inputs are checked before anything is sent: a file that is missing, not an image, or one image too many for the
model is refused (exit 2), naming the argument.
With no API key in the environment and no --provider, pictor starts the offline sandbox in-process and edits
with its OpenAI stand-in. Outputs are saved, named and recorded in <out>/manifest.json as with generate.`;

async function edit(args: string[], flags: EditFlags, ctx: CommandContext): Promise<number> {
  const inputs = editInputs(args, flags.mask);
  ctx.errorContext.fields = inputs.fields;
  const settings = {
    prompt: inputs.prompt,
    ...(flags.inputFidelity === undefined ? {} : { inputFidelity: flags.inputFidelity }),
    ...requestFromFlags(flags),
    ...streamFromFlags(flags),
  };
  const { images } = inputs;
  const mask = flags.mask === undefined ? undefined : imageInput(flags.mask);
  const request: EditRequest = { ...settings, images, ...(mask === undefined ? {} : { mask }) };
  return runImageCommand(
    {
      what: 'the edit',
      // The settings now; the inputs are read and checked by edit() itself, still before anything is sent.
      check: () => void normalizeRequest(settings),
      stream: request.stream ? { images: request.n ?? 1, partials: request.partialImages ?? 0 } : undefined,
      embedded: 'openai',
      call: (client, options) => client.edit(request, options),
      prompt: inputs.prompt,
      // An edit costs what a generation of the same model, size and quality costs; its inputs are checked first.
      estimate: async (client) => {
        const model = await checkEditInputs(client, settings.model ?? client.defaultEditModel, images, mask);
        return client.estimateCost({ ...settings, model });
      },
      json: (result: GenerateResult) => ({ inputs: result.inputs ?? [], mask: result.mask ?? null }),
    },
    flags,
    ctx,
  );
}

export function editCommand(ctx: CommandContext): Command {
  const command = new Command('edit')
    .description('edit images (or combine several) from a prompt and save the results with a manifest')
    .usage('[options] <image>... <prompt>')
    .argument('<image...>', 'the images to edit (files or http(s) URLs), then the prompt: what to change');
  command
    .optionsGroup('Edit options:')
    .option('--mask <file>', 'a PNG with alpha, the size of the first image: edit only where it is transparent');
  command.addOption(
    new Option('--input-fidelity <level>', 'how closely to keep the inputs (GPT image models)').choices([
      'high',
      'low',
    ]),
  );
  addRequestOptions(command);
  addStreamOptions(command);
  addCostOptions(command);
  addClientOptions(command);
  addOutputOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (args: string[], flags: EditFlags) => {
    ctx.exitCode = await edit(args, flags, ctx);
  });
}
