import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { runPictor } from './__fixtures__/run-pictor.js';

describe('pictor --help', () => {
  it('lists the commands, the environment variables and every exit code', async () => {
    const run = await runPictor(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['generate', 'edit', 'batch', 'gallery', 'cost', 'models', 'sandbox'])
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const name of ['TOGETHER_API_KEY', 'OPENAI_API_KEY', 'R9S_API_KEY', 'AI_STATS_API_KEY', 'PICTOR_API_KEY'])
      expect(run.stdout).toContain(name);
    for (const code of ['0', '1', '2', '3', '4', '5', '6', '130'])
      expect(run.stdout).toMatch(new RegExp(`^  ${code}\\s+\\S`, 'm'));
  });

  it.each([
    [
      'generate',
      [
        '<prompt>',
        '--count',
        '--size',
        '--aspect',
        '--width',
        '--seed',
        '--steps',
        '--format',
        '--out',
        '--json',
        '--gallery',
        '--api-key-stdin',
        '--provider',
        '--base-url',
        '--stream',
        '--partial-images',
        '--keep-partials',
        '--dry-run',
        '--max-cost',
        '--prices',
      ],
    ],
    [
      'edit',
      [
        '<image>... <prompt>',
        '--mask',
        '--input-fidelity',
        '--count',
        '--size',
        '--stream',
        '--keep-partials',
        '--out',
        '--dry-run',
        '--max-cost',
        '--prices',
      ],
    ],
    [
      'batch',
      [
        '<file>',
        '--concurrency',
        '--no-resume',
        '--out',
        '--gallery',
        'prompts.jsonl',
        'prompts.yaml',
        '--dry-run',
        '--max-cost',
        '--prices',
      ],
    ],
    ['gallery', ['[dir]', '--embed', '--title']],
    ['cost', ['[dir]', '--json', 'unknown']],
    ['models', ['--provider', '--all', '--json']],
    ['sandbox', ['--port', '--latency', '--key', '--faults']],
  ])('%s --help shows its usage, options and examples', async (command, mentions) => {
    const run = await runPictor([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: pictor ${command}[ |]`));
    expect(run.stdout).toMatch(/^Examples:\n {2}\$ pictor /m);
    for (const mention of mentions) expect(run.stdout).toContain(mention);
    expect(run.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const run = await runPictor(['--version']);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('without a command prints the help on stderr and exits 2', async () => {
    const run = await runPictor([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Usage: pictor /);
  });

  it('an unknown command suggests the right one and exits 2', async () => {
    const run = await runPictor(['generat', 'a lighthouse']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: unknown command 'generat'\n\(Did you mean generate\?\)/);
  });
});
