import type { AspectRatio, ImageRequest } from '@pictor/core/kernel';
import type { IExecuteFunctions } from 'n8n-workflow';

/** The "Options" collection of Image → Generate, as n8n hands it over (only the options the user added). */
export interface GenerateOptions {
  background?: 'auto' | 'transparent' | 'opaque';
  disableSafetyChecker?: boolean;
  imageUrl?: string;
  loras?: { lora?: Array<{ path: string; scale: number }> };
  /** The execution's budget in USD (read once, from the first item; see execution-budget.ts). */
  maxCost?: number;
  maxRetries?: number;
  outputMode?: 'eachImage' | 'allOnOne';
  binaryPropertyName?: string;
  quality?: 'auto' | 'low' | 'medium' | 'high' | 'standard' | 'hd';
  referenceImages?: string[] | string;
  style?: 'vivid' | 'natural';
  timeout?: number;
}

function sizeOf(ctx: IExecuteFunctions, i: number): Pick<ImageRequest, 'aspectRatio' | 'width' | 'height'> {
  const size = ctx.getNodeParameter('size', i) as string;
  if (size === 'default') return {};
  if (size === 'custom') {
    return { width: ctx.getNodeParameter('width', i) as number, height: ctx.getNodeParameter('height', i) as number };
  }
  return { aspectRatio: size as AspectRatio };
}

function referenceImagesOf(value: GenerateOptions['referenceImages']): string[] | undefined {
  const list = (Array.isArray(value) ? value : value ? [value] : []).map((url) => url.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

/**
 * Reads the node's fields for one item into core's request. Fields left at their "model default" value
 * (steps 0, seed -1, guidance 0, empty texts, safety checker on) are not sent, so providers that lack them
 * raise no warning. Core validates the result before any network call.
 */
export function readGenerateRequest(ctx: IExecuteFunctions, i: number, options: GenerateOptions): ImageRequest {
  const model = (ctx.getNodeParameter('model', i, '', { extractValue: true }) as string).trim();
  const steps = ctx.getNodeParameter('steps', i, 0) as number;
  const seed = ctx.getNodeParameter('seed', i, -1) as number;
  const guidanceScale = ctx.getNodeParameter('guidanceScale', i, 0) as number;
  const negativePrompt = (ctx.getNodeParameter('negativePrompt', i, '') as string).trim();
  const outputFormat = ctx.getNodeParameter('outputFormat', i, 'default') as string;
  const loras = options.loras?.lora?.filter((lora) => lora.path.trim() !== '');
  return {
    prompt: ctx.getNodeParameter('prompt', i) as string,
    model: model || undefined,
    n: ctx.getNodeParameter('numberOfImages', i, 1) as number,
    ...sizeOf(ctx, i),
    steps: steps > 0 ? steps : undefined,
    seed: seed >= 0 ? seed : undefined,
    guidanceScale: guidanceScale > 0 ? guidanceScale : undefined,
    negativePrompt: negativePrompt || undefined,
    outputFormat: outputFormat === 'default' ? undefined : (outputFormat as ImageRequest['outputFormat']),
    loras: loras?.length ? loras.map(({ path, scale }) => ({ path: path.trim(), scale })) : undefined,
    referenceImages: referenceImagesOf(options.referenceImages),
    imageUrl: options.imageUrl?.trim() || undefined,
    disableSafetyChecker: options.disableSafetyChecker ? true : undefined,
    quality: options.quality,
    style: options.style,
    background: options.background,
  };
}
