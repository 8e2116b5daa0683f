import type { GenerationJob } from './generation-request.js';
import { lookForPrompt } from './render-image.js';

/** One generated image as the body carries it. */
export type ImageItem = { kind: 'b64_json'; b64: string } | { kind: 'url'; url: string };

export interface ResponseContext {
  requestId: string;
  /** Unix seconds. */
  created: number;
}

/** Output tokens of one GPT image at 1024×1024 per quality, as OpenAI's pricing guide lists them. */
const TOKENS_1024: Record<string, number> = { low: 272, medium: 1056, high: 4160 };

/** Input tokens the sandbox counts per input image of an edit (a stand-in figure, not OpenAI's tiling). */
const INPUT_IMAGE_TOKENS = 272;

/** Token usage in OpenAI's `ImageGenUsage` shape, from prompt length, size, quality and count. */
export function imageUsage(job: GenerationJob): {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
  output_tokens_details: { image_tokens: number; text_tokens: number };
} {
  const textTokens = Math.max(1, Math.ceil(job.prompt.length / 4));
  const imageTokens = job.inputImages * INPUT_IMAGE_TOKENS;
  const perImage = Math.round(
    ((TOKENS_1024[job.quality] ?? TOKENS_1024.high!) * (job.width * job.height)) / (1024 * 1024),
  );
  const output = perImage * job.n;
  return {
    input_tokens: textTokens + imageTokens,
    output_tokens: output,
    total_tokens: textTokens + imageTokens + output,
    input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
    output_tokens_details: { image_tokens: output, text_tokens: 0 },
  };
}

const COLOUR_WORDS = ['crimson', 'amber', 'gold', 'lime', 'emerald', 'teal', 'azure', 'indigo', 'violet', 'magenta'];
const STYLE_WORDS = ['luminous orbs', 'layered rolling hills', 'radiating rays and rings'];

/** What dall-e-3 would answer as `revised_prompt`: the prompt, elaborated deterministically. */
export function revisedPrompt(prompt: string): string {
  const look = lookForPrompt(prompt);
  const hue = (c: { r: number; g: number; b: number }): string => {
    const max = Math.max(c.r, c.g, c.b);
    const min = Math.min(c.r, c.g, c.b);
    let h = 0;
    if (max !== min) {
      if (max === c.r) h = ((c.g - c.b) / (max - min)) % 6;
      else if (max === c.g) h = (c.b - c.r) / (max - min) + 2;
      else h = (c.r - c.g) / (max - min) + 4;
    }
    const degrees = (h * 60 + 360) % 360;
    return COLOUR_WORDS[Math.floor(degrees / 36) % COLOUR_WORDS.length]!;
  };
  const [a, b, c] = look.colours;
  return `${prompt.trim().replace(/[.!?]*$/, '')}, imagined as an abstract composition of ${STYLE_WORDS[look.style]} in ${hue(a!)}, ${hue(b!)} and ${hue(c!)} tones, with soft gradients and flowing lines.`;
}

/** The size string OpenAI's response schema allows (it lists only the GPT image sizes). */
const RESPONSE_SIZES = new Set(['1024x1024', '1024x1536', '1536x1024']);

function openAiItem(job: GenerationJob, item: ImageItem): Record<string, unknown> {
  const data: Record<string, unknown> = item.kind === 'b64_json' ? { b64_json: item.b64 } : { url: item.url };
  if (job.model.revisesPrompt) data.revised_prompt = revisedPrompt(job.prompt);
  return data;
}

/** The 200 body of `POST /images/generations` in the job's dialect. */
export function successBody(job: GenerationJob, items: ImageItem[], context: ResponseContext): Record<string, unknown> {
  switch (job.provider) {
    case 'together':
      return {
        id: context.requestId,
        model: job.model.id,
        object: 'list',
        data: items.map((item, index) =>
          item.kind === 'b64_json'
            ? { index, b64_json: item.b64, type: 'b64_json' }
            : { index, url: item.url, type: 'url' },
        ),
      };
    case 'openai': {
      const body: Record<string, unknown> = {
        created: context.created,
        data: items.map((item) => openAiItem(job, item)),
      };
      if (job.model.family === 'gpt-image') {
        body.background = job.transparent ? 'transparent' : 'opaque';
        body.output_format = job.format;
        const size = `${job.width}x${job.height}`;
        if (RESPONSE_SIZES.has(size)) body.size = size;
        body.quality = job.quality;
        body.usage = imageUsage(job);
      }
      return body;
    }
    case 'r9s': {
      const body: Record<string, unknown> = {
        created: context.created,
        data: items.map((item) => openAiItem(job, item)),
      };
      if (job.model.reportsUsage) {
        const usage = imageUsage(job);
        body.usage = { prompt_tokens: usage.input_tokens, image_tokens: usage.output_tokens };
      }
      return body;
    }
    case 'ai-stats': {
      // The gateway's own fields (apps/api/src/lib/gateway/after/payload.ts): requestId, provider,
      // nativeResponseId and meta around the upstream's created/data.
      const body: Record<string, unknown> = {
        requestId: context.requestId,
        created: context.created,
        data: items.map((item) => openAiItem(job, item)),
        nativeResponseId: `native-${context.requestId}`,
        provider: job.model.upstream ?? 'openai',
        meta: {
          model: job.model.id,
          provider: job.model.upstream ?? 'openai',
          sandbox: true,
        },
      };
      if (job.model.reportsUsage) {
        const usage = imageUsage(job);
        body.usage = {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          total_tokens: usage.total_tokens,
        };
      }
      return body;
    }
  }
}

/** The server-sent event types of each endpoint, as OpenAI's spec names them. */
export const STREAM_EVENTS = {
  generations: { partial: 'image_generation.partial_image', completed: 'image_generation.completed' },
  edits: { partial: 'image_edit.partial_image', completed: 'image_edit.completed' },
} as const;

/**
 * One server-sent event of OpenAI's streaming GPT image generations and edits (`ImageGenStreamEvent`,
 * `ImageEditStreamEvent`): a partial image with its index, or the finished image with its `usage`.
 */
export function streamEvent(
  job: GenerationJob,
  kind: 'partial' | 'completed',
  b64: string,
  extra: { partialIndex?: number; created: number },
): { type: string; data: Record<string, unknown> } {
  const type = STREAM_EVENTS[job.endpoint][kind];
  const size = `${job.width}x${job.height}`;
  const event: Record<string, unknown> = {
    type,
    b64_json: b64,
    created_at: extra.created,
    size: RESPONSE_SIZES.has(size) ? size : 'auto',
    quality: job.quality,
    background: job.transparent ? 'transparent' : 'opaque',
    output_format: job.format,
  };
  if (kind === 'partial') event.partial_image_index = extra.partialIndex ?? 0;
  else {
    const { input_tokens, output_tokens, total_tokens, input_tokens_details } = imageUsage({ ...job, n: 1 });
    event.usage = { input_tokens, output_tokens, total_tokens, input_tokens_details };
  }
  return { type, data: event };
}

/** The wire form of a server-sent event. */
export function sseText(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}
