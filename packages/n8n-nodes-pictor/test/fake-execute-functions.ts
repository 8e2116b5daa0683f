import type {
  IBinaryData,
  IExecuteFunctions,
  ILoadOptionsFunctions,
  INode,
  INodeExecutionData,
  INodeProperties,
} from 'n8n-workflow';
import { Pictor } from '../nodes/Pictor/Pictor.node';
import { fakeHttpHelpers } from './fake-http-helpers.mjs';
import type { PictorCredentials } from '../nodes/Pictor/transport/create-client';

export const NODE: INode = {
  id: 'b1c4a6f0-0000-4000-8000-000000000001',
  name: 'Pictor',
  type: 'n8n-nodes-pictor.pictor',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

type Parameters = Record<string, unknown>;

export interface FakeContextOptions {
  credentials: PictorCredentials;
  /** The node's parameters, or one set per input item. Missing ones take the description's default, as in n8n. */
  parameters: Parameters | Parameters[];
  /** Number of input items (default: one per parameter set, else 1). */
  items?: number;
  continueOnFail?: boolean;
  signal?: AbortSignal;
}

function isShown(property: INodeProperties, values: Parameters): boolean {
  const show = property.displayOptions?.show ?? {};
  return Object.entries(show).every(([name, allowed]) => (allowed as unknown[]).includes(values[name]));
}

/** What n8n fills in for a parameter the workflow leaves out: the default of the field shown for these values. */
function withDefaults(parameters: Parameters): Parameters {
  const values: Parameters = { resource: 'image', operation: 'generate', ...parameters };
  for (const property of new Pictor().description.properties) {
    if (!(property.name in values) && isShown(property, values)) values[property.name] = property.default;
  }
  return values;
}

/** A resource locator (`{ mode, value }`) gives its value when the node asks for `extractValue`. */
function parameterValue(value: unknown, extractValue: boolean): unknown {
  const isLocator = typeof value === 'object' && value !== null && 'mode' in value && 'value' in value;
  return extractValue && isLocator ? (value as { value: unknown }).value : value;
}

/**
 * A hand-made `IExecuteFunctions` for one node run: parameters per item, the credential, "Continue On Fail",
 * and a `prepareBinaryData` that keeps the bytes inline (base64) so tests can decode them.
 */
export function fakeExecuteFunctions(options: FakeContextOptions): IExecuteFunctions {
  const sets = (Array.isArray(options.parameters) ? options.parameters : [options.parameters]).map(withDefaults);
  const count = options.items ?? sets.length;
  const items: INodeExecutionData[] = Array.from({ length: count }, (_, i) => ({ json: { i } }));
  const context = {
    getInputData: () => items,
    getNode: () => NODE,
    getCredentials: async () => ({ ...options.credentials }),
    continueOnFail: () => options.continueOnFail ?? false,
    getExecutionCancelSignal: () => options.signal,
    getNodeParameter(name: string, itemIndex: number, fallback?: unknown, extra?: { extractValue?: boolean }) {
      const values = sets[Math.min(itemIndex, sets.length - 1)] as Parameters;
      if (!(name in values)) {
        if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
        return fallback;
      }
      return parameterValue(values[name], extra?.extractValue ?? false);
    },
    helpers: {
      ...fakeHttpHelpers(options.credentials.apiKey, options.signal),
      // n8n's in-memory binary mode: the bytes as base64 in `data`.
      async prepareBinaryData(bytes: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
        return {
          data: bytes.toString('base64'),
          bytes: bytes.length,
          mimeType: mimeType ?? 'application/octet-stream',
          fileName,
          fileExtension: fileName?.split('.').pop(),
        };
      },
    },
  };
  return context as unknown as IExecuteFunctions;
}

/** A hand-made `ILoadOptionsFunctions` for the model picker. */
export function fakeLoadOptionsFunctions(credentials: PictorCredentials): ILoadOptionsFunctions {
  return {
    getNode: () => NODE,
    getCredentials: async () => ({ ...credentials }),
    helpers: fakeHttpHelpers(credentials.apiKey, undefined),
  } as unknown as ILoadOptionsFunctions;
}

/** Runs the node as n8n does: `execute` of the Pictor node with the fake context. */
export async function runNode(options: FakeContextOptions): Promise<INodeExecutionData[]> {
  const [output] = await new Pictor().execute.call(fakeExecuteFunctions(options));
  return output ?? [];
}
