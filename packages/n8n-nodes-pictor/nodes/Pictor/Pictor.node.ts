import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import * as image from './actions/image';
import { router } from './actions/router';
import { searchModels } from './methods/list-search';

export class Pictor implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Pictor',
    name: 'pictor',
    icon: { light: 'file:pictor.svg', dark: 'file:pictor.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Generate and edit images with Together AI or any OpenAI-compatible images API',
    defaults: { name: 'Pictor' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'pictorApi', required: true }],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [{ name: 'Image', value: 'image' }],
        default: 'image',
      },
      ...image.description,
    ],
  };

  methods = {
    listSearch: { searchModels },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return await router.call(this);
  }
}
