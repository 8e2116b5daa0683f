import type { EditRequest } from '@pictor/core/kernel';
import type { IExecuteFunctions } from 'n8n-workflow';
import { readGenerateRequest, type GenerateOptions } from './generate-request';
import { readBinaryImage, readBinaryImages } from './input-images';

/** The "Options" collection of Image → Edit: Generate's that apply, the mask and the input fidelity. */
export interface EditOptions extends Pick<
  GenerateOptions,
  | 'background'
  | 'binaryPropertyName'
  | 'disableSafetyChecker'
  | 'maxCost'
  | 'maxRetries'
  | 'outputMode'
  | 'quality'
  | 'timeout'
> {
  inputFidelity?: 'high' | 'low';
  maskBinaryPropertyName?: string;
}

/**
 * Reads the node's fields for one item into core's edit request: the settings as Generate reads them (fields at
 * their "model default" value are not sent), the input images from the item's binary fields, and the mask.
 * Core validates it all (types sniffed from the bytes, counts and sizes per model) before any network call.
 */
export async function readEditRequest(ctx: IExecuteFunctions, i: number, options: EditOptions): Promise<EditRequest> {
  const images = await readBinaryImages(ctx, i, ctx.getNodeParameter('binaryPropertyName', i) as string);
  const maskField = options.maskBinaryPropertyName?.trim();
  const mask = maskField ? await readBinaryImage(ctx, i, maskField) : undefined;
  // Generate's LoRAs, reference images, image URL and style are not Edit's fields: the options carry none.
  const {
    loras: _loras,
    referenceImages: _references,
    imageUrl: _url,
    style: _style,
    ...settings
  } = readGenerateRequest(ctx, i, options);
  return { ...settings, images, mask, inputFidelity: options.inputFidelity };
}
