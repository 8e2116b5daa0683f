import { describe, expect, it } from 'vitest';
import { hideOptionValues } from './hide-option-values.js';

describe('hideOptionValues', () => {
  it.each([
    [
      "error: unknown option '--api-key=sk-abc123'",
      "error: unknown option '--api-key=…' (keys are read from the environment, or from stdin with --api-key-stdin)",
    ],
    ["error: unknown option '-Ksk-abc123'", "error: unknown option '-K…'"],
    [
      "error: unknown option '--api-key'\n(Did you mean --api-key-stdin?)",
      "error: unknown option '--api-key'\n(Did you mean --api-key-stdin?) (keys are read from the environment, or from stdin with --api-key-stdin)",
    ],
    ["error: unknown option '--colour'", "error: unknown option '--colour'"],
    ["error: too many arguments for 'generate'", "error: too many arguments for 'generate'"],
  ])('%j → %j', (input, output) => {
    expect(hideOptionValues(input)).toBe(output);
  });
});
