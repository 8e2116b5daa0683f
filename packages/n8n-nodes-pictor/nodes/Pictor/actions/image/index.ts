import type { INodeProperties } from 'n8n-workflow';
import * as edit from './edit.operation';
import * as generate from './generate.operation';
import * as listModels from './list-models.operation';

export { edit, generate, listModels };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['image'] } },
    options: [
      {
        name: 'Edit',
        value: 'edit',
        action: 'Edit images with a prompt',
        description: 'Change images from binary data as a prompt says',
      },
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
  ...edit.description,
  ...listModels.description,
];
