import {
  formatFileName,
  type Cost,
  type GeneratedImage,
  type GenerateResult,
  type PictorWarning,
} from '@pictor/core/kernel';
import type { IBinaryData, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';

export interface ImageItemsOptions {
  itemIndex: number;
  binaryPropertyName: string;
  outputMode: 'eachImage' | 'allOnOne';
}

/** `<slug of the prompt>-<seed or "random">-<index>.<ext>`, e.g. `a-lighthouse-at-dusk-7-0.png`. */
function imageFileName(result: GenerateResult, image: GeneratedImage): string {
  const vars = {
    prompt: result.prompt,
    index: image.index,
    seed: image.seed,
    model: result.model,
    key: '',
    sha256: image.sha256,
  };
  return `${formatFileName('{slug}-{seed}-{index}', vars)}.${image.extension}`;
}

/** Core's warnings, plus one per image a batch could not produce (the others still come out). */
function warningsOf(result: GenerateResult): PictorWarning[] {
  return [
    ...result.warnings,
    ...result.failures.map(({ index, error }): PictorWarning => ({
      type: 'other',
      message: `Image ${index} was not generated: ${error.message}`,
    })),
  ];
}

/** A cost as JSON: `usd` is null when the price is unknown (never 0, which would read as free). */
function costJson(cost: Pick<Cost, 'usd' | 'basis'> | undefined): JsonObject {
  return cost ? { usd: cost.usd ?? null, basis: cost.basis } : { usd: null, basis: 'unknown' };
}

/** What the provider reported (token counts), or null when it reported nothing. */
function usageJson(usage: Record<string, unknown> | undefined): JsonObject | null {
  return usage ? (JSON.parse(JSON.stringify(usage)) as JsonObject) : null;
}

function imageJson(image: GeneratedImage, fileName: string): JsonObject {
  return {
    index: image.index,
    seed: image.seed ?? null,
    width: image.width,
    height: image.height,
    mimeType: image.mediaType,
    fileName,
    bytes: image.bytes.length,
    sha256: image.sha256,
    revisedPrompt: image.revisedPrompt ?? null,
    // The image's share of its call's usage and cost.
    usage: usageJson(image.usage),
    cost: costJson(image.cost),
  };
}

/**
 * Turns a generation into n8n items: one per image (the default) or all images on one item, each image as
 * binary data with its sniffed MIME type and a file name built from the prompt, seed and index, and its share of
 * the usage and cost (`cost.usd` null when unknown) beside the generation's totals. Every item is paired with the
 * input item it came from.
 */
export async function toImageItems(
  ctx: IExecuteFunctions,
  result: GenerateResult,
  options: ImageItemsOptions,
): Promise<INodeExecutionData[]> {
  const common = {
    provider: result.provider,
    model: result.model,
    prompt: result.prompt,
    // The whole generation's (every call of this input item), beside each image's share.
    totalUsage: usageJson(result.usage),
    totalCost: costJson(result.cost),
  };
  const warnings = warningsOf(result) as unknown as JsonObject[];
  const pairedItem = { item: options.itemIndex };
  const binaries: Array<{ image: GeneratedImage; fileName: string; binary: IBinaryData }> = [];
  for (const image of result.images) {
    const fileName = imageFileName(result, image);
    binaries.push({
      image,
      fileName,
      binary: await ctx.helpers.prepareBinaryData(image.bytes, fileName, image.mediaType),
    });
  }

  if (options.outputMode === 'allOnOne') {
    const binary: Record<string, IBinaryData> = {};
    const images = binaries.map(({ image, fileName, binary: data }) => {
      const field = `${options.binaryPropertyName}_${image.index}`;
      binary[field] = data;
      return { binaryProperty: field, ...imageJson(image, fileName) };
    });
    return [{ json: { ...common, images, warnings }, binary, pairedItem }];
  }

  return binaries.map(({ image, fileName, binary }) => ({
    json: { ...common, ...imageJson(image, fileName), warnings },
    binary: { [options.binaryPropertyName]: binary },
    pairedItem,
  }));
}
