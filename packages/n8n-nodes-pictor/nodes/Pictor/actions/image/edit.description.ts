import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_BINARY_PROPERTY, generateProperties } from './generate.description';

/** Generate's field of that name, with what reads differently for an edit (one definition of each field). */
function generateField(name: string, changes: Partial<INodeProperties> = {}): INodeProperties {
  const field = generateProperties.find((property) => property.name === name);
  if (!field) throw new Error(`Image → Generate has no field "${name}"`);
  return { ...field, ...changes };
}

/** Generate's options that apply to an edit: not LoRAs, reference images, image URL (the inputs are binaries) or style. */
const GENERATE_OPTIONS_FOR_EDIT = [
  'background',
  'disableSafetyChecker',
  'maxCost',
  'maxRetries',
  'outputMode',
  'binaryPropertyName',
  'quality',
  'timeout',
];

const generateOptions = (generateField('options').options ?? []) as INodeProperties[];

/** Edit's own options. */
const editOnlyOptions: INodeProperties[] = [
  {
    displayName: 'Input Fidelity',
    name: 'inputFidelity',
    type: 'options',
    default: 'low',
    options: [
      { name: 'High', value: 'high', description: 'Keep faces, logos and fine details of the input' },
      { name: 'Low', value: 'low' },
    ],
    description: 'How closely the result keeps the style and features of the input images (OpenAI GPT image models)',
  },
  {
    displayName: 'Mask Input Field Name',
    name: 'maskBinaryPropertyName',
    type: 'string',
    default: '',
    placeholder: 'e.g. mask',
    hint: 'The name of the input binary field holding the mask',
    description:
      'A PNG the size of the first image whose fully transparent pixels mark where to edit (OpenAI models only)',
  },
];

/** In alphabetical order, as n8n lists a collection's options. */
const editOptions = [
  ...generateOptions.filter((option) => GENERATE_OPTIONS_FOR_EDIT.includes(option.name)),
  ...editOnlyOptions,
].sort((a, b) => a.displayName.localeCompare(b.displayName));

/** The fields of Image → Edit (display options are added by the operation). */
export const editProperties: INodeProperties[] = [
  generateField('model', {
    description:
      "The editing model, e.g. black-forest-labs/FLUX.1-kontext-pro on Together or gpt-image-1.5 on OpenAI. Leave empty for the provider's default editing model (FLUX.2 [pro] on Together, gpt-image-2 on OpenAI).",
  }),
  {
    displayName: 'Input Data Field Name(s)',
    name: 'binaryPropertyName',
    type: 'string',
    default: DEFAULT_BINARY_PROPERTY,
    required: true,
    placeholder: 'e.g. data',
    hint: 'The name of the input binary field holding the image; separate several with commas',
    description:
      'Name of the binary field(s) holding the image(s) to edit, separate multiple field names with commas. The first image is the one edited; the others guide the result. PNG, JPEG or WebP.',
  },
  generateField('prompt', {
    placeholder: 'e.g. Make the sky stormy',
    description: 'What to change in the image',
  }),
  generateField('numberOfImages', {
    description: 'How many edited images to make from the input',
  }),
  generateField('size', { default: 'default' }),
  generateField('width'),
  generateField('height'),
  generateField('steps'),
  generateField('seed'),
  generateField('guidanceScale'),
  generateField('outputFormat'),
  generateField('options', { options: editOptions }),
];
