import type {
  IBinaryData,
  IExecuteFunctions,
  ILoadOptionsFunctions,
  INode,
  INodeExecutionData,
  INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
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
  /** Number of input items (default: one per parameter set or binary set, at least 1). */
  items?: number;
  continueOnFail?: boolean;
  signal?: AbortSignal;
  /** The binary fields of each input item (item 0 first), as an upstream node would have put them. */
  binaries?: Array<Record<string, FakeBinary>>;
}

/** A file on an input item. */
export interface FakeBinary {
  bytes: Uint8Array;
  fileName?: string;
  mimeType?: string;
}

/** n8n's in-memory binary mode: the bytes as base64 in `data`. */
function inlineBinary(bytes: Uint8Array, fileName?: string, mimeType?: string): IBinaryData {
  const buffer = Buffer.from(bytes);
  return {
    data: buffer.toString('base64'),
    bytes: buffer.length,
    mimeType: mimeType ?? 'application/octet-stream',
    fileName,
    fileExtension: fileName?.split('.').pop(),
  };
}

/** n8n 2.41's `assertBinaryData` (binary mode "separate"), with its messages. */
function assertBinaryData(items: INodeExecutionData[], itemIndex: number, field: string): IBinaryData {
  const binaries = items[itemIndex]?.binary;
  if (binaries === undefined) {
    throw new NodeOperationError(
      NODE,
      `This operation expects the node's input data to contain a binary file '${field}', but none was found [item ${itemIndex}]`,
      { itemIndex, description: 'Make sure that the previous node outputs a binary file' },
    );
  }
  const binary = binaries[field];
  if (binary === undefined) {
    throw new NodeOperationError(NODE, `The item has no binary field '${field}' [item ${itemIndex}]`, {
      itemIndex,
      description:
        'Check that the parameter where you specified the input binary field name is correct, and that it matches a field in the binary input',
    });
  }
  return binary;
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
 * A hand-made `IExecuteFunctions` for one node run: parameters and binary inputs per item, the credential,
 * "Continue On Fail", and binary helpers that keep the bytes inline (base64) so tests can decode them.
 */
export function fakeExecuteFunctions(options: FakeContextOptions): IExecuteFunctions {
  const sets = (Array.isArray(options.parameters) ? options.parameters : [options.parameters]).map(withDefaults);
  const count = options.items ?? Math.max(sets.length, options.binaries?.length ?? 0);
  const items: INodeExecutionData[] = Array.from({ length: count }, (_, i) => {
    const files = options.binaries?.[i];
    if (!files) return { json: { i } };
    const binary = Object.fromEntries(
      Object.entries(files).map(([field, file]) => [field, inlineBinary(file.bytes, file.fileName, file.mimeType)]),
    );
    return { json: { i }, binary };
  });
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
      async prepareBinaryData(bytes: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
        return inlineBinary(bytes, fileName, mimeType);
      },
      assertBinaryData: (itemIndex: number, field: string) => assertBinaryData(items, itemIndex, field),
      async getBinaryDataBuffer(itemIndex: number, field: string): Promise<Buffer> {
        return Buffer.from(assertBinaryData(items, itemIndex, field).data, 'base64');
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
