import { describe, expect, it } from 'vitest';
import { readActionYml } from './__fixtures__/action-yml.js';

describe('action.yml', () => {
  it('is a node24 action running the committed bundle, with branding, the inputs and outputs users need', async () => {
    const action = await readActionYml();
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
    expect(action.branding.color).toBeTruthy();
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining([
        'prompt',
        'prompts-file',
        'input-images',
        'mask',
        'provider',
        'model',
        'base-url',
        'api-key',
        'n',
        'size',
        'aspect-ratio',
        'width',
        'height',
        'seed',
        'steps',
        'output-format',
        'output-dir',
        'file-name',
        'skip-existing',
        'fail-on-partial',
      ]),
    );
    expect(Object.keys(action.outputs)).toEqual(
      expect.arrayContaining(['images', 'manifest', 'count', 'generated', 'skipped']),
    );
    expect(action.inputs['output-dir']!.default).toBe('generated-images');
    expect(action.inputs['skip-existing']!.default).toBe('true');
    expect(action.inputs['fail-on-partial']!.default).toBe('true');
    // The key is checked by the Action itself (not needed for the sandbox); the runner's `required` is not enforced.
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(input.required ?? false, name).toBe(false);
    }
  });
});
