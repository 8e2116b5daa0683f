import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/** The official spec files, vendored with the sandbox (copied unchanged from the providers' repositories). */
export const SPEC_DIR = new URL('../../../sandbox/specs/', import.meta.url);

export const SPEC_FILES = {
  together: 'together-images-only.yaml',
  openai: 'openai-images-only.prism.yaml',
  r9s: 'r9s-images-only.yaml',
  'ai-stats': 'aistats-images-only.yaml',
} as const;

const REQUEST_POINTER = '#/paths/~1images~1generations/post/requestBody/content/application~1json/schema';

/**
 * A validator of `POST /images/generations` request bodies built from an official spec file: the request
 * schema is referenced inside the spec document itself, so every `$ref` resolves as the spec wrote it.
 */
export function requestValidator(spec: keyof typeof SPEC_FILES): (body: unknown) => string[] {
  const doc = parse(readFileSync(new URL(SPEC_FILES[spec], SPEC_DIR), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile({ ...doc, $ref: REQUEST_POINTER });
  return (body) => (validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`));
}
