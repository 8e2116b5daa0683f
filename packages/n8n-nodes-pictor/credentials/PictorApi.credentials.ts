import { PROVIDERS } from '@pictor/core/kernel';
import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  Icon,
  INodeProperties,
} from 'n8n-workflow';

/** Providers with a known base URL, prefilled in the credential. */
const PRESET_PROVIDERS = ['together', 'openai', 'r9s', 'ai-stats'] as const;

/** The credential's provider values; `custom-*` are any base URL speaking that dialect. */
export type CredentialProvider = (typeof PRESET_PROVIDERS)[number] | 'custom-openai' | 'custom-together';

/** One `baseUrl` field per preset, each prefilled with that provider's URL (n8n shows the one that matches). */
const presetBaseUrls: INodeProperties[] = PRESET_PROVIDERS.map((provider) => ({
  displayName: 'Base URL',
  name: 'baseUrl',
  type: 'string',
  default: PROVIDERS[provider].baseURL ?? '',
  description: `Base URL of the ${PROVIDERS[provider].label} API; change it to go through a proxy`,
  displayOptions: { show: { provider: [provider] } },
}));

export class PictorApi implements ICredentialType {
  name = 'pictorApi';

  displayName = 'Pictor API';

  icon: Icon = { light: 'file:../nodes/Pictor/pictor.svg', dark: 'file:../nodes/Pictor/pictor.dark.svg' };

  documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-pictor#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Provider',
      name: 'provider',
      type: 'options',
      default: 'together',
      options: [
        { name: 'Together AI', value: 'together' },
        { name: 'OpenAI', value: 'openai' },
        { name: 'r9s', value: 'r9s' },
        { name: 'AI Stats', value: 'ai-stats' },
        {
          name: 'Custom (OpenAI-Compatible)',
          value: 'custom-openai',
          description: 'Any gateway that speaks the OpenAI images API',
        },
        {
          name: 'Custom (Together-Compatible)',
          value: 'custom-together',
          description: "Any gateway that speaks Together AI's images API",
        },
      ],
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
    },
    ...presetBaseUrls,
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'e.g. https://gateway.example.com/v1',
      description:
        'Base URL of the API, up to and including the version (requests go to <base URL>/images/generations)',
      displayOptions: { show: { provider: ['custom-openai', 'custom-together'] } },
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        Authorization: '=Bearer {{$credentials.apiKey}}',
      },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/models',
    },
  };
}
