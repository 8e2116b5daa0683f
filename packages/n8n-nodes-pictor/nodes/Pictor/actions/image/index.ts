import type { INodeProperties } from 'n8n-workflow';
import * as generate from './generate.operation';
import * as listModels from './list-models.operation';

export { generate, listModels };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['image'] } },
    options: [
      {
        name: 'Generate',
        value: 'generate',
        action: 'Generate images from a prompt',
        description: 'Create images from a text prompt',
      },
      {
        name: 'List Models',
        value: 'listModels',
        action: 'List image models',
        description: "List the provider's image models",
      },
    ],
    default: 'generate',
  },
  ...generate.description,
  ...listModels.description,
];
