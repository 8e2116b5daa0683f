import { makePng } from './make-png.js';

/** A Together-shaped success body with `count` real PNGs of the given size. */
export function togetherBody(count: number, width = 8, height = 8, seed = 0): Record<string, unknown> {
  return {
    id: 'img-test',
    model: 'black-forest-labs/FLUX.1-schnell',
    object: 'list',
    data: Array.from({ length: count }, (_, index) => ({
      index,
      type: 'b64_json',
      b64_json: makePng(width, height, seed + index).toString('base64'),
    })),
  };
}

/** An OpenAI-shaped success body. */
export function openAIBody(count: number, width = 8, height = 8): Record<string, unknown> {
  return {
    created: 1_700_000_000,
    data: Array.from({ length: count }, (_, i) => ({ b64_json: makePng(width, height, i).toString('base64'), revised_prompt: 'revised' })),
    usage: { input_tokens: 5, output_tokens: 10, total_tokens: 15, input_tokens_details: { text_tokens: 5, image_tokens: 0 } },
  };
}
