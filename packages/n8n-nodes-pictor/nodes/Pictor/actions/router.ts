import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { toErrorJson, toNodeError } from '../helpers/node-errors';
import { executionRun, type ExecutionRun } from './execution-budget';
import * as image from './image';

type Operation = (this: IExecuteFunctions, itemIndex: number, run: ExecutionRun) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
  image: { generate: image.generate.execute, edit: image.edit.execute, listModels: image.listModels.execute },
};

/**
 * Runs the chosen operation once per input item. A failing item stops the node with a `NodeApiError` /
 * `NodeOperationError` naming the item, or — with "Continue On Fail" — becomes an error item paired with it.
 * Every item shares the execution's budget ("Max Cost (USD)"): an item it refuses fails like any other.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const resource = this.getNodeParameter('resource', 0) as string;
  const operation = this.getNodeParameter('operation', 0) as string;
  const execute = operations[resource]?.[operation];
  if (!execute) {
    throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
  }

  const run = executionRun(this);
  const returnData: INodeExecutionData[] = [];
  const items = this.getInputData();
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    try {
      returnData.push(...(await execute.call(this, itemIndex, run)));
    } catch (error) {
      const nodeError = toNodeError(this.getNode(), error, itemIndex);
      if (!this.continueOnFail()) throw nodeError;
      returnData.push({ json: toErrorJson(nodeError, error), pairedItem: { item: itemIndex } });
    }
  }
  return [returnData];
}
