import { ASPECT_RATIOS, type AspectRatio } from '@pictor/core';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** What each preset is for (Together's dimensions guide, and the portrait inverses). */
const RATIO_USES: Record<AspectRatio, string> = {
  '1:1': 'Square, social media',
  '16:9': 'Landscape, widescreen',
  '9:16': 'Portrait, mobile',
  '3:2': 'Photography standard',
  '2:3': 'Portrait photography',
  '4:3': 'Classic ratio',
  '3:4': 'Classic portrait',
};

const ratioOptions: INodePropertyOptions[] = (Object.keys(ASPECT_RATIOS) as AspectRatio[]).map((ratio) => ({
  name: `${ratio} (${ASPECT_RATIOS[ratio].width}x${ASPECT_RATIOS[ratio].height})`,
  value: ratio,
  description: RATIO_USES[ratio],
}));

/** Binary field of the first image; later images of "all on one item" get `_1`, `_2`, … */
export const DEFAULT_BINARY_PROPERTY = 'data';

/** The fields of Image → Generate (display options are added by the operation). */
export const generateProperties: INodeProperties[] = [
  {
    displayName: 'Model',
    name: 'model',
    type: 'resourceLocator',
    default: { mode: 'list', value: '' },
    description: "The image model. Leave empty for the provider's default model.",
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        typeOptions: { searchListMethod: 'searchModels', searchable: true },
      },
      {
        displayName: 'ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. black-forest-labs/FLUX.1-schnell',
      },
    ],
  },
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'e.g. A lighthouse at dusk, oil painting',
    description: 'What the image should show',
    typeOptions: { rows: 3 },
  },
  {
    displayName: 'Number of Images',
    name: 'numberOfImages',
    type: 'number',
    default: 1,
    typeOptions: { minValue: 1, maxValue: 128 },
    description:
      "How many images to generate. Above the model's per-call maximum (4 on Together, 10 or 1 on OpenAI models) the node makes several calls.",
  },
  {
    displayName: 'Size',
    name: 'size',
    type: 'options',
    default: '1:1',
    options: [
      ...ratioOptions,
      { name: 'Custom Width and Height', value: 'custom' },
      { name: 'Model Default', value: 'default', description: 'Send no size: the model picks' },
    ],
    description: 'Aspect ratio of the images, with the pixel size it is sent as',
  },
  {
    displayName: 'Width',
    name: 'width',
    type: 'number',
    default: 1024,
    typeOptions: { minValue: 64, maxValue: 8192 },
    description: 'Width in pixels',
    displayOptions: { show: { size: ['custom'] } },
  },
  {
    displayName: 'Height',
    name: 'height',
    type: 'number',
    default: 1024,
    typeOptions: { minValue: 64, maxValue: 8192 },
    description: 'Height in pixels',
    displayOptions: { show: { size: ['custom'] } },
  },
  {
    displayName: 'Steps',
    name: 'steps',
    type: 'number',
    default: 0,
    typeOptions: { minValue: 0, maxValue: 50 },
    description:
      "Diffusion steps, 1–50: 1–4 fast, 10–20 balanced, 28 high quality, 30–50 maximum. 0 uses the model's default.",
  },
  {
    displayName: 'Seed',
    name: 'seed',
    type: 'number',
    default: -1,
    typeOptions: { minValue: -1, maxValue: 4294967295 },
    description: 'The same seed and settings give the same image. -1 lets the provider pick a random seed.',
  },
  {
    displayName: 'Negative Prompt',
    name: 'negativePrompt',
    type: 'string',
    default: '',
    description: 'What the image should not show',
  },
  {
    displayName: 'Guidance Scale',
    name: 'guidanceScale',
    type: 'number',
    default: 0,
    typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 },
    description: "How closely the image follows the prompt. 0 uses the model's default.",
  },
  {
    displayName: 'Output Format',
    name: 'outputFormat',
    type: 'options',
    default: 'png',
    options: [
      { name: 'PNG', value: 'png' },
      { name: 'JPEG', value: 'jpeg' },
      { name: 'WebP', value: 'webp', description: 'OpenAI GPT image models only' },
      { name: 'Model Default', value: 'default' },
    ],
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Background',
        name: 'background',
        type: 'options',
        default: 'auto',
        options: [
          { name: 'Auto', value: 'auto' },
          { name: 'Opaque', value: 'opaque' },
          { name: 'Transparent', value: 'transparent' },
        ],
        description: 'Background of GPT image models (transparent needs PNG or WebP)',
      },
      {
        displayName: 'Disable Safety Checker',
        name: 'disableSafetyChecker',
        type: 'boolean',
        default: false,
        description: "Whether to turn off Together's NSFW check",
      },
      {
        displayName: 'Image URL (Editing Models)',
        name: 'imageUrl',
        type: 'string',
        default: '',
        placeholder: 'e.g. https://example.com/photo.jpg',
        description: 'The image an editing model (such as FLUX.1 Kontext) changes as the prompt says',
      },
      {
        displayName: 'LoRAs',
        name: 'loras',
        type: 'fixedCollection',
        placeholder: 'Add LoRA',
        default: {},
        typeOptions: { multipleValues: true },
        options: [
          {
            displayName: 'LoRA',
            name: 'lora',
            values: [
              {
                displayName: 'Path',
                name: 'path',
                type: 'string',
                default: '',
                placeholder: 'e.g. https://huggingface.co/org/lora-weights',
                description: 'URL or ID of the LoRA weights',
              },
              {
                displayName: 'Scale',
                name: 'scale',
                type: 'number',
                default: 1,
                typeOptions: { minValue: -10, maxValue: 10, numberPrecision: 2 },
                description: 'How strongly the LoRA applies',
              },
            ],
          },
        ],
      },
      {
        displayName: 'Max Retries',
        name: 'maxRetries',
        type: 'number',
        default: 2,
        typeOptions: { minValue: 0, maxValue: 10 },
        description:
          'Retries of rate limits (honouring Retry-After), server errors and dropped connections before the node fails',
      },
      {
        displayName: 'Output Mode',
        name: 'outputMode',
        type: 'options',
        default: 'eachImage',
        options: [
          { name: 'One Item per Image', value: 'eachImage' },
          {
            name: 'All Images on One Item',
            value: 'allOnOne',
            description: 'Binary fields data_0, data_1, … on a single item per input item',
          },
        ],
      },
      {
        displayName: 'Put Output in Field',
        name: 'binaryPropertyName',
        type: 'string',
        default: DEFAULT_BINARY_PROPERTY,
        hint: 'The name of the output binary field to put the image in',
      },
      {
        displayName: 'Quality',
        name: 'quality',
        type: 'options',
        default: 'auto',
        options: [
          { name: 'Auto', value: 'auto' },
          { name: 'HD (DALL-E 3)', value: 'hd' },
          { name: 'High', value: 'high' },
          { name: 'Low', value: 'low' },
          { name: 'Medium', value: 'medium' },
          { name: 'Standard (DALL-E)', value: 'standard' },
        ],
        description: 'Quality of OpenAI-compatible models',
      },
      {
        displayName: 'Reference Images',
        name: 'referenceImages',
        type: 'string',
        default: [],
        typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Reference Image' },
        placeholder: 'e.g. https://example.com/reference.png',
        description: 'URLs of images that guide the result, for models that take them',
      },
      {
        displayName: 'Style',
        name: 'style',
        type: 'options',
        default: 'vivid',
        options: [
          { name: 'Vivid', value: 'vivid' },
          { name: 'Natural', value: 'natural' },
        ],
        description: 'Style of DALL-E 3',
      },
      {
        displayName: 'Timeout',
        name: 'timeout',
        type: 'number',
        default: 600000,
        typeOptions: { minValue: 1000 },
        description:
          'How long, in milliseconds, to wait for each call to answer (and between chunks of its body). Slow models take minutes.',
      },
    ],
  },
];
