import type { ImageInput } from '@pictor/core/kernel';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** `"data, photo ,"` → `['data', 'photo']`: the comma-separated field names n8n's own nodes take. */
export function binaryFieldNames(list: string): string[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * One binary field of an input item as core's image input: its bytes and file name. n8n's `assertBinaryData`
 * refuses a missing field with an error naming it and the item; `getBinaryDataBuffer` reads the bytes from
 * wherever n8n keeps them (inline, or the filesystem and S3 binary modes).
 */
export async function readBinaryImage(ctx: IExecuteFunctions, itemIndex: number, field: string): Promise<ImageInput> {
  const binary = ctx.helpers.assertBinaryData(itemIndex, field);
  const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
  return binary.fileName ? { bytes, name: binary.fileName } : { bytes };
}

/** The images named by a comma-separated list of binary fields, in that order. */
export async function readBinaryImages(ctx: IExecuteFunctions, itemIndex: number, list: string): Promise<ImageInput[]> {
  const fields = binaryFieldNames(list);
  if (fields.length === 0) {
    throw new NodeOperationError(ctx.getNode(), 'No input binary field given: name at least one, e.g. "data"', {
      itemIndex,
      description: 'Set "Input Data Field Name(s)" to the binary field(s) holding the images to edit',
    });
  }
  const images: ImageInput[] = [];
  for (const field of fields) images.push(await readBinaryImage(ctx, itemIndex, field));
  return images;
}
