import {
  updateDisplayOptions,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeProperties,
} from 'n8n-workflow';
import { createClient } from '../../transport/create-client';

const properties: INodeProperties[] = [
  {
    displayName: 'Image Models Only',
    name: 'imageOnly',
    type: 'boolean',
    default: true,
    description: 'Whether to list only the models that generate images, or every model the provider serves',
  },
];

export const description = updateDisplayOptions(
  { show: { resource: ['image'], operation: ['listModels'] } },
  properties,
);

/** Image → List Models: one item per model from the provider's `GET /models`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
  const imageOnly = this.getNodeParameter('imageOnly', itemIndex, true) as boolean;
  const client = await createClient.call(this);
  try {
    const models = await client.listModels({ imageOnly, signal: this.getExecutionCancelSignal() });
    return models.map((model) => ({
      json: { id: model.id, name: model.name, type: model.type ?? null, ownedBy: model.ownedBy ?? null },
      pairedItem: { item: itemIndex },
    }));
  } finally {
    await client.close();
  }
}
