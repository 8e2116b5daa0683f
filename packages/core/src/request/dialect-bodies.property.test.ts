import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyModel, MODELS, validRequest } from '../__fixtures__/request-arbitraries.js';
import { requestValidator, SPEC_FILES } from '../__fixtures__/spec-validator.js';
import { resolveClientOptions } from '../client/client-options.js';
import { ValidationError } from '../errors/index.js';
import { normalizeRequest } from './image-request.js';
import { planGeneration } from './plan-generation.js';
import type { ProviderPreset } from './providers.js';

interface Target {
  name: string;
  preset: ProviderPreset;
  spec: keyof typeof SPEC_FILES;
  models: string[];
}

const preset = (options: Parameters<typeof resolveClientOptions>[0]) =>
  resolveClientOptions({ apiKey: 'k', ...options }).preset;

const TARGETS: Target[] = [
  { name: 'together', preset: preset({ provider: 'together' }), spec: 'together', models: MODELS.together },
  { name: 'sandbox', preset: preset({ provider: 'sandbox' }), spec: 'together', models: MODELS.sandbox },
  { name: 'openai', preset: preset({ provider: 'openai' }), spec: 'openai', models: MODELS.openai },
  { name: 'r9s', preset: preset({ provider: 'r9s' }), spec: 'r9s', models: MODELS.r9s },
  { name: 'ai-stats', preset: preset({ provider: 'ai-stats' }), spec: 'ai-stats', models: MODELS['ai-stats'] },
  {
    name: 'custom (together dialect)',
    preset: preset({ provider: 'custom', baseURL: 'http://gw.test/v1', dialect: 'together', model: 'm' }),
    spec: 'together',
    models: MODELS.together,
  },
  {
    name: 'custom (openai dialect)',
    preset: preset({ provider: 'custom', baseURL: 'http://gw.test/v1', dialect: 'openai', model: 'm' }),
    spec: 'openai',
    models: MODELS.openai,
  },
];

const validators = Object.fromEntries(
  (Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>).map((spec) => [spec, requestValidator(spec)]),
) as Record<keyof typeof SPEC_FILES, (body: unknown) => string[]>;

/** The value rules a target may refuse a schema-valid request on (`model-capabilities.ts`), by field. */
const CAPABILITY_FIELDS = new Set(['size', 'quality', 'outputFormat']);
const RUNS = 400;

describe('any valid request maps to a body that passes the official spec of its dialect (property)', () => {
  it.each(TARGETS)('$name → $spec spec', (target) => {
    const validate = validators[target.spec];
    let planned = 0;
    let refused = 0;
    const model = fc.oneof(fc.constantFrom(...target.models), anyModel, fc.constant(undefined));
    fc.assert(
      fc.property(validRequest(model), (request) => {
        const normalized = normalizeRequest(request); // the arbitrary stays within the schema: this must not throw
        let plan: ReturnType<typeof planGeneration>;
        try {
          plan = planGeneration(target.preset, normalized);
        } catch (error) {
          // A size, quality or format the model refuses is a validation error naming that field, never a bad body.
          expect(ValidationError.isInstance(error)).toBe(true);
          const fields = (error as ValidationError).fields;
          expect(fields.length).toBeGreaterThan(0);
          for (const field of fields) expect(CAPABILITY_FIELDS).toContain(field);
          refused += 1;
          return;
        }
        planned += 1;
        expect(plan.calls.reduce((sum, call) => sum + call.n, 0)).toBe(normalized.n);
        for (const call of plan.calls) {
          expect(call.n).toBeLessThanOrEqual(plan.capabilities.maxImagesPerCall);
          expect(validate(call.body), JSON.stringify(call.body)).toEqual([]);
          expect(call.body.model).toBe(plan.model);
          expect(call.body.prompt).toBe(normalized.prompt);
        }
      }),
      { numRuns: RUNS },
    );
    // The property means something only if many requests get as far as a body (r9s refuses the most: sizes).
    expect(planned + refused).toBe(RUNS);
    expect(planned).toBeGreaterThan(RUNS / 5);
  });
});
