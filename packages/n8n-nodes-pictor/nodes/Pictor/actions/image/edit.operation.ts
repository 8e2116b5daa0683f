import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { createClient } from '../../transport/create-client';
import type { ExecutionRun } from '../execution-budget';
import { editProperties } from './edit.description';
import { readEditRequest, type EditOptions } from './edit-request';
import { DEFAULT_BINARY_PROPERTY } from './generate.description';
import { toImageItems } from './image-items';

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['edit'] } }, editProperties);

/**
 * Image → Edit for one input item: the item's binary images and the prompt go to core's `edit()` (OpenAI's
 * `/images/edits` as multipart, or Together's editing models with the images inline), and the edited images
 * come out as Generate's do: binary items paired with the input item. Cancelling the execution aborts the call.
 */
export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  run: ExecutionRun,
): Promise<INodeExecutionData[]> {
  const options = this.getNodeParameter('options', itemIndex, {}) as EditOptions;
  const request = await readEditRequest(this, itemIndex, options);
  const client = await createClient.call(this, { timeoutMs: options.timeout, maxRetries: options.maxRetries });
  try {
    const result = await client.edit(request, { signal: this.getExecutionCancelSignal(), budget: run.budget });
    return await toImageItems(this, result, {
      itemIndex,
      binaryPropertyName: options.binaryPropertyName?.trim() || DEFAULT_BINARY_PROPERTY,
      outputMode: options.outputMode ?? 'eachImage',
    });
  } finally {
    await client.close();
  }
}
