import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import {
  HOSTILE_MESSAGE,
  startHostileTextProvider,
  workflowCommands,
  type HostileTextProvider,
} from './__fixtures__/hostile-text-provider.ts';
import { runAction } from './__fixtures__/run-action.ts';
import { runNode } from './__fixtures__/run-node.ts';

// Log injection (the security review, issue 14, item 2), through the built front doors: the Action's committed
// bundle run as the runner runs it, whose stdout the runner scans for workflow commands, and the `pictor` binary,
// whose stderr is a terminal. Prompts and provider messages are attacker text in both.

const KEY = 'sk-attack-logs-0123456789';
/** Every control character but TAB and LF: what would reach a terminal raw. */
const CONTROL = /[^\P{Cc}\t\n]/u;

/** Commands the runner would run that the attacker wrote: a line starting `::…::injected`, or any `##[`. */
function injected(stdout: string): string[] {
  return workflowCommands(stdout).filter((line) => /^::[^:]*::injected/.test(line.trimStart()) || line.includes('##['));
}

let sandbox: Sandbox;
let provider: HostileTextProvider;
let dir: string;
beforeAll(async () => {
  requireBuilt(PICTOR_BIN);
  [sandbox, provider, dir] = await Promise.all([
    startSandbox({ port: 0 }),
    startHostileTextProvider(),
    mkdtemp(join(tmpdir(), 'pictor-attack-logs-')),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), provider?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const sandboxInputs = (): Record<string, string> => ({
  'api-key': KEY,
  provider: 'together',
  'base-url': sandbox.urls.together,
  size: '64x64',
});

async function workspaceWith(files: Record<string, string>): Promise<string> {
  const workspace = await mkdtemp(join(dir, 'workspace-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(workspace, name), text);
  return workspace;
}

describe('the Action logs no workflow command it did not mean', () => {
  it('a prompt holding a newline followed by ::error:: runs no command', async () => {
    const workspace = await workspaceWith({
      'prompts.jsonl': `${JSON.stringify({ prompt: 'a cat\n::error::injected-error' })}\n`,
    });
    const run = await runAction({ ...sandboxInputs(), 'prompts-file': 'prompts.jsonl' }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('a cat');
    expect(injected(run.stdout)).toEqual([]);
  });

  it('a prompt holding a newline followed by ::add-mask:: runs no command', async () => {
    const workspace = await workspaceWith({
      'prompts.jsonl': `${JSON.stringify({ prompt: 'a dog\n::add-mask::injected-mask' })}\n`,
    });
    const run = await runAction({ ...sandboxInputs(), 'prompts-file': 'prompts.jsonl' }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(injected(run.stdout)).toEqual([]);
  });

  it('a lone CR survives the prompt split but starts no command line', async () => {
    const run = await runAction({ ...sandboxInputs(), prompt: 'a bird\r::warning::injected-warning\nsecond prompt' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('second prompt');
    expect(injected(run.stdout)).toEqual([]);
  });

  it('the legacy ##[command] form in a prompt is neutralised', async () => {
    const run = await runAction({ ...sandboxInputs(), prompt: 'a fox ##[error]injected-legacy ##[add-mask]x' });
    expect(run.code, run.stdout).toBe(0);
    expect(injected(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('injected-legacy');
  });

  it("a provider's error message with commands and terminal escapes reaches the log inert", async () => {
    const run = await runAction({
      'api-key': KEY,
      provider: 'custom',
      'base-url': provider.url,
      model: 'm',
      prompt: 'a hill',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('model overloaded');
    expect(injected(run.stdout)).toEqual([]);
    for (const text of [run.stdout, run.stderr, run.summary]) expect(text).not.toMatch(CONTROL);
  });
});

describe('pictor prints no terminal escape it did not mean', () => {
  it("strips a provider's escape sequences (clear screen, window title, OSC 8 link) and CRs from its messages", async () => {
    expect(HOSTILE_MESSAGE).toMatch(CONTROL);
    const run = await runNode(
      PICTOR_BIN,
      [
        'generate',
        'a hill',
        '--provider',
        'custom',
        '--base-url',
        provider.url,
        '--model',
        'm',
        '--retries',
        '0',
        '-o',
        join(dir, 'cli'),
      ],
      {
        env: { PICTOR_API_KEY: KEY },
      },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('model overloaded');
    expect(run.stderr).toContain('click here');
    expect(run.stderr).not.toMatch(CONTROL);
    expect(run.stdout).not.toMatch(CONTROL);
  });

  it('strips escape sequences from prompts of a batch file when it prints them', async () => {
    const file = join(dir, 'hostile.jsonl');
    await writeFile(file, `${JSON.stringify({ prompt: 'a tree\x1b]0;owned-title\x07\x1b[2J\rspoofed' })}\n`);
    const run = await runNode(
      PICTOR_BIN,
      [
        'batch',
        file,
        '--provider',
        'custom',
        '--base-url',
        provider.url,
        '--model',
        'm',
        '--retries',
        '0',
        '-o',
        join(dir, 'cli-batch'),
      ],
      { env: { PICTOR_API_KEY: KEY } },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('a tree');
    expect(run.stderr).not.toMatch(CONTROL);
  });
});
