import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { ProviderName } from './providers.js';

/** The official spec file each stand-in reads its rules from (in the package's `specs/` folder). */
export const SPEC_FILES: Record<ProviderName, string> = {
  together: 'together-images-only.yaml',
  // The same OpenAI document with `nullable: true` written as OpenAPI 3.1 null types (see specs/README.md);
  // the original mixes `nullable` with type-less `anyOf`, which no JSON Schema validator can compile.
  // It holds `POST /images/edits` and the streaming events too.
  openai: 'openai-images-and-edits.prism.yaml',
  r9s: 'r9s-images-only.yaml',
  'ai-stats': 'aistats-images-only.yaml',
};

/** Schema of each dialect's error body in its spec (AI Stats' spec documents none). */
const ERROR_SCHEMAS: Partial<Record<ProviderName, string>> = {
  together: '/components/schemas/ErrorData',
  openai: '/components/schemas/ErrorResponse',
  r9s: '/components/schemas/R9SError',
};

/** The request bodies the sandbox validates: a generation, and an edit as JSON or as a multipart form. */
export type RequestKind = 'generations' | 'edits-json' | 'edits-multipart';

/** The endpoints whose answers the sandbox validates. */
export type ImagesEndpoint = 'generations' | 'edits';

const OPERATIONS: Record<ImagesEndpoint, string> = {
  generations: '/paths/~1images~1generations/post',
  edits: '/paths/~1images~1edits/post',
};

const REQUEST_POINTERS: Record<RequestKind, string> = {
  generations: `${OPERATIONS.generations}/requestBody/content/application~1json/schema`,
  'edits-json': `${OPERATIONS.edits}/requestBody/content/application~1json/schema`,
  'edits-multipart': `${OPERATIONS.edits}/requestBody/content/multipart~1form-data/schema`,
};

const responsePointer = (endpoint: ImagesEndpoint, mediaType: 'application~1json' | 'text~1event-stream'): string =>
  `${OPERATIONS[endpoint]}/responses/200/content/${mediaType}/schema`;

/** The folder of spec files shipped with the package, found relative to this (built) file. */
export function defaultSpecDir(): string {
  return fileURLToPath(new URL('../specs/', import.meta.url));
}

/** The first problem the spec finds in a request body, in terms the dialects' error messages need. */
export interface RequestIssue {
  keyword: 'required' | 'type' | 'enum' | 'minimum' | 'maximum' | 'other';
  /** The parameter at fault (`n`, `image_loras[0].scale`), or null for the body itself. */
  param: string | null;
  /** The validator's own wording, e.g. `must be integer`. */
  detail: string;
  /** For `type`: the JSON types allowed. */
  expectedTypes?: string[];
  /** For `enum`: the allowed values (without null). */
  allowed?: unknown[];
  /** For `minimum`/`maximum`: the bound. */
  limit?: number;
  /** The value sent, when there is one. */
  value?: unknown;
}

const PRIORITY: Record<RequestIssue['keyword'], number> = {
  required: 0,
  type: 1,
  enum: 2,
  minimum: 3,
  maximum: 3,
  other: 4,
};

function paramName(instancePath: string, missing?: string): string | null {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing !== undefined) parts.push(missing);
  if (parts.length === 0) return null;
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function valueAt(body: unknown, instancePath: string): unknown {
  let current: unknown = body;
  for (const part of instancePath.split('/').filter(Boolean)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function toIssue(error: ErrorObject, body: unknown): RequestIssue {
  const value = valueAt(body, error.instancePath);
  const detail = error.message ?? error.keyword;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { keyword: 'required', param: paramName(error.instancePath, missing), detail };
    }
    case 'type': {
      const type = (error.params as { type: string | string[] }).type;
      const expectedTypes = (Array.isArray(type) ? type : String(type).split(',')).filter((t) => t !== 'null');
      return { keyword: 'type', param: paramName(error.instancePath), detail, expectedTypes, value };
    }
    case 'enum':
    case 'const': {
      const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
      const allowed = (params.allowedValues ?? [params.allowedValue]).filter((v) => v !== null);
      return { keyword: 'enum', param: paramName(error.instancePath), detail, allowed, value };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = (error.params as { limit: number }).limit;
      const keyword = error.keyword.toLowerCase().includes('min') ? 'minimum' : 'maximum';
      return { keyword, param: paramName(error.instancePath), detail, limit, value };
    }
    default:
      return { keyword: 'other', param: paramName(error.instancePath), detail, value };
  }
}

/** Picks the most telling error: a missing field before a wrong type before a wrong value. */
function firstIssue(errors: ErrorObject[], body: unknown): RequestIssue {
  const issues = errors
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'allOf')
    .map((e) => toIssue(e, body));
  if (issues.length === 0) return toIssue(errors[0]!, body);
  // Of a type error per anyOf branch, keep one per parameter; prefer enum errors on the same parameter
  // (a string outside an enum fails the enum branch, not the type).
  issues.sort((a, b) => PRIORITY[a.keyword] - PRIORITY[b.keyword]);
  const first = issues[0]!;
  if (first.keyword === 'type') {
    const enumOnSame = issues.find((i) => i.keyword === 'enum' && i.param === first.param);
    if (enumOnSame?.allowed?.some((a) => jsonType(a) === jsonType(first.value))) return enumOnSame;
    const union = new Set(
      issues.filter((i) => i.keyword === 'type' && i.param === first.param).flatMap((i) => i.expectedTypes ?? []),
    );
    return { ...first, expectedTypes: [...union] };
  }
  return first;
}

/** The JSON type name of a value, as JSON Schema names it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

interface CompiledSpec {
  document: Record<string, unknown>;
  /** Compiles (once) the schema at a JSON pointer, or undefined when the document has none there. */
  schemaAt(pointer: string): ValidateFunction | undefined;
  error?: ValidateFunction;
}

function compileSpec(dir: string, provider: ProviderName): CompiledSpec {
  const file = join(dir, SPEC_FILES[provider]);
  const document = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const options: Options = { strict: false, allErrors: true, validateFormats: false, validateSchema: false };
  const openapi = String(document.openapi ?? '3.0');
  const ajv = openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
  const id = `pictor-spec://${provider}`;
  ajv.addSchema(document, id);
  const compiled = new Map<string, ValidateFunction | undefined>();
  const schemaAt = (pointer: string): ValidateFunction | undefined => {
    if (!compiled.has(pointer)) {
      const present = resolvePointer(document, pointer) !== undefined;
      compiled.set(pointer, present ? ajv.compile({ $ref: `${id}#${pointer}` }) : undefined);
    }
    return compiled.get(pointer);
  };
  // Compiled now, so a spec file that cannot be read fails at start rather than on the first request.
  schemaAt(REQUEST_POINTERS.generations);
  schemaAt(responsePointer('generations', 'application~1json'));
  const errorPointer = ERROR_SCHEMAS[provider];
  return { document, schemaAt, ...(errorPointer ? { error: schemaAt(errorPointer) } : {}) };
}

/**
 * Validation rules read at run time from the official OpenAPI documents: required fields, types, enums and
 * ranges of each dialect's `POST /images/generations` request, and the shapes of its responses.
 */
export class SpecValidator {
  readonly #specs: Record<ProviderName, CompiledSpec>;

  constructor(readonly specDir: string = defaultSpecDir()) {
    this.#specs = {
      together: compileSpec(specDir, 'together'),
      openai: compileSpec(specDir, 'openai'),
      r9s: compileSpec(specDir, 'r9s'),
      'ai-stats': compileSpec(specDir, 'ai-stats'),
    };
  }

  /** Whether the dialect's spec documents this request body (only OpenAI's documents edits). */
  hasRequest(provider: ProviderName, kind: RequestKind): boolean {
    return this.#specs[provider].schemaAt(REQUEST_POINTERS[kind]) !== undefined;
  }

  /**
   * The first problem with a request body, or undefined when the spec accepts it. A multipart form is checked
   * as an object of its fields, converted to the schema's types (`formFieldsToJson`), files as strings.
   */
  validateRequest(provider: ProviderName, body: unknown, kind: RequestKind = 'generations'): RequestIssue | undefined {
    const validate = this.#specs[provider].schemaAt(REQUEST_POINTERS[kind]);
    if (!validate) throw new Error(`The ${provider} spec documents no ${kind} request.`);
    if (validate(body)) return undefined;
    return firstIssue(validate.errors ?? [], body);
  }

  /** Violations of the 200 response schema (empty when the body conforms). */
  validateResponse(provider: ProviderName, body: unknown, endpoint: ImagesEndpoint = 'generations'): string[] {
    const validate = this.#specs[provider].schemaAt(responsePointer(endpoint, 'application~1json'));
    if (!validate) return [`the ${provider} spec documents no ${endpoint} response`];
    return describe(validate, body);
  }

  /** Violations of the spec's server-sent event schema (`ImageGenStreamEvent`, `ImageEditStreamEvent`). */
  validateStreamEvent(provider: ProviderName, event: unknown, endpoint: ImagesEndpoint): string[] {
    const validate = this.#specs[provider].schemaAt(responsePointer(endpoint, 'text~1event-stream'));
    if (!validate) return [`the ${provider} spec documents no ${endpoint} stream`];
    return describe(validate, event);
  }

  /** Violations of the dialect's error schema (empty when it conforms, or when the spec has none). */
  validateError(provider: ProviderName, body: unknown): string[] {
    const validate = this.#specs[provider].error;
    return validate ? describe(validate, body) : [];
  }

  /** The request schema's properties, as written in the spec. */
  requestProperties(
    provider: ProviderName,
    kind: RequestKind = 'generations',
  ): Record<string, Record<string, unknown>> {
    const spec = this.#specs[provider].document;
    let schema = resolvePointer(spec, REQUEST_POINTERS[kind]) as Record<string, unknown> | undefined;
    if (schema && typeof schema.$ref === 'string')
      schema = resolvePointer(spec, schema.$ref.slice(1)) as Record<string, unknown>;
    return (schema?.properties as Record<string, Record<string, unknown>> | undefined) ?? {};
  }

  /** The JSON types each request property admits (`n`: integer and null), for converting form fields. */
  requestPropertyTypes(provider: ProviderName, kind: RequestKind): Record<string, string[]> {
    const document = this.#specs[provider].document;
    return Object.fromEntries(
      Object.entries(this.requestProperties(provider, kind)).map(([name, schema]) => [name, typesOf(document, schema)]),
    );
  }
}

/** The JSON types a schema admits, through `$ref`s and `anyOf`/`oneOf` branches. */
function typesOf(document: unknown, schema: unknown, depth = 0): string[] {
  if (typeof schema !== 'object' || schema === null || depth > 8) return [];
  const node = schema as Record<string, unknown>;
  if (typeof node.$ref === 'string') return typesOf(document, resolvePointer(document, node.$ref.slice(1)), depth + 1);
  const own = node.type === undefined ? [] : Array.isArray(node.type) ? (node.type as string[]) : [String(node.type)];
  const branches = [...((node.anyOf as unknown[]) ?? []), ...((node.oneOf as unknown[]) ?? [])];
  return [...new Set([...own, ...branches.flatMap((b) => typesOf(document, b, depth + 1))])];
}

function describe(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}`);
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let current = document;
  for (const raw of pointer.split('/').filter(Boolean)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
