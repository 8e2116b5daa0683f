import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { createClient } from '../../transport/create-client';
import type { ExecutionRun } from '../execution-budget';
import { DEFAULT_BINARY_PROPERTY, generateProperties } from './generate.description';
import { readGenerateRequest, type GenerateOptions } from './generate-request';
import { toImageItems } from './image-items';

export const description = updateDisplayOptions(
  { show: { resource: ['image'], operation: ['generate'] } },
  generateProperties,
);

/**
 * Image → Generate for one input item: core validates the request, batches above the model's per-call
 * maximum, retries what is worth retrying and decodes the images; the node turns them into binary items.
 * Cancelling the execution aborts the calls in flight.
 */
export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  run: ExecutionRun,
): Promise<INodeExecutionData[]> {
  const options = this.getNodeParameter('options', itemIndex, {}) as GenerateOptions;
  const request = readGenerateRequest(this, itemIndex, options);
  const client = await createClient.call(this, { timeoutMs: options.timeout, maxRetries: options.maxRetries });
  try {
    const result = await client.generate(request, { signal: this.getExecutionCancelSignal(), budget: run.budget });
    return await toImageItems(this, result, {
      itemIndex,
      binaryPropertyName: options.binaryPropertyName?.trim() || DEFAULT_BINARY_PROPERTY,
      outputMode: options.outputMode ?? 'eachImage',
    });
  } finally {
    await client.close();
  }
}
