import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionDefaults, packageDir, readActionYml } from './__fixtures__/action-yml.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const repoDir = join(packageDir, '../..');
const workflowsDir = join(repoDir, '.github/workflows');
let workflows: Record<string, Workflow>;
let inputNames: Set<string>;

beforeAll(async () => {
  const files = (await readdir(workflowsDir)).filter((f) => f.endsWith('.yml'));
  workflows = Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, parse(await readFile(join(workflowsDir, f), 'utf8')) as Workflow])),
  );
  inputNames = new Set(Object.keys((await readActionYml()).inputs));
});

function steps(file: string): Step[] {
  const workflow = workflows[file];
  expect(workflow, `${file} exists`).toBeDefined();
  return Object.values(workflow!.jobs).flatMap((job) => job.steps);
}

/** The `with:` keys of every use of the Action must be inputs it declares (a typo is silently ignored by GitHub). */
function expectKnownInputs(step: Step) {
  for (const key of Object.keys(step.with ?? {})) expect(inputNames.has(key), `unknown input ${key}`).toBe(true);
}

describe('.github/workflows', () => {
  it('holds ci, check-dist, release and the example, each a valid workflow on ubuntu-latest', () => {
    expect(Object.keys(workflows).sort()).toEqual(['check-dist.yml', 'ci.yml', 'example.yml', 'release.yml']);
    for (const [file, workflow] of Object.entries(workflows)) {
      expect(workflow.name, file).toBeTruthy();
      expect(workflow.on, file).toBeTruthy();
      for (const job of Object.values(workflow.jobs)) {
        expect(job['runs-on']).toBe('ubuntu-latest');
        expect(job.steps[0]!.uses).toMatch(/^actions\/checkout@v\d+$/);
      }
    }
  });

  it('ci.yml runs exactly the command .ci/run runs: the README test command', async () => {
    expect(Object.keys(workflows['ci.yml']!.on).sort()).toEqual(['pull_request', 'push']);
    expect(
      steps('ci.yml')
        .filter((s) => s.run)
        .map((s) => s.run!.trim()),
    ).toEqual(['bash .ci/run']);
    expect(await readFile(join(repoDir, '.ci/run'), 'utf8')).toMatch(/^bash scripts\/test\.sh$/m);
    expect(await readFile(join(repoDir, 'README.md'), 'utf8')).toContain('```sh\nbash scripts/test.sh\n```');
  });

  it('check-dist.yml rebuilds the Action and fails on any difference in its dist', () => {
    const workflow = workflows['check-dist.yml']!;
    expect(workflow.on).toHaveProperty('pull_request');
    const runs = steps('check-dist.yml').map((s) => s.run ?? '');
    const build = runs.findIndex((r) => r.includes('--filter @pictor/action... run build'));
    const diff = runs.findIndex((r) => r.includes('git diff --exit-code') && r.includes('packages/action/dist'));
    expect(build).toBeGreaterThan(-1);
    expect(diff).toBeGreaterThan(build);
  });

  it('release.yml: changesets version PR, publish with provenance, then the v1 tag moved to the release commit', async () => {
    const workflow = workflows['release.yml']!;
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
    const all = steps('release.yml');
    const changesets = all.find((s) => s.uses === 'changesets/action@v1');
    expect(changesets?.with).toMatchObject({
      publish: 'npx -y pnpm@12.21.0 run release',
      version: 'npx -y pnpm@12.21.0 run version-packages',
    });
    expect(changesets?.env).toMatchObject({ NPM_CONFIG_PROVENANCE: true });
    const rootScripts = (
      JSON.parse(await readFile(join(repoDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(rootScripts.release).toContain('changeset publish');
    expect(rootScripts['version-packages']).toBe('changeset version');

    expect(workflow.env?.ACTION_MAJOR_TAG).toBe('v1');
    const tag = all[all.indexOf(changesets!) + 1]!;
    expect(tag.if).toBe(`steps.${changesets!.id}.outputs.published == 'true'`);
    expect(tag.run).toContain('git tag --force "$ACTION_MAJOR_TAG" "$GITHUB_SHA"');
    expect(tag.run).toContain('git push --force origin "refs/tags/$ACTION_MAJOR_TAG"');
  });

  it('example.yml starts a sandbox, runs ./packages/action against it, and uploads what it wrote', () => {
    expect(workflows['example.yml']!.on).toHaveProperty('workflow_dispatch');
    const all = steps('example.yml');
    const start = all.findIndex((s) => s.run?.includes('npx -y @pictor/sandbox --port 8787 '));
    const action = all.findIndex((s) => s.uses === './packages/action');
    expect(start).toBeGreaterThan(-1);
    expect(all[start]!.run).toContain('http://127.0.0.1:8787/health');
    expect(action).toBeGreaterThan(start);
    const generate = all[action]!;
    expectKnownInputs(generate);
    expect(generate.with).toMatchObject({ provider: 'sandbox', 'base-url': 'http://127.0.0.1:8787/together/v1' });
    const upload = all.slice(action).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path).replace(/\/$/, '')).toBe(generate.with!['output-dir']);
  });
});

describe('packages/action/README.md', () => {
  it('its workflow examples use only inputs and outputs the Action declares, and cover committing back and artifacts', async () => {
    const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Workflow);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const uses = examples
      .flatMap((w) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps))
      .filter((s) => s.uses?.includes('packages/action'));
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const step of uses) {
      expect(step.uses).toMatch(/^(\.\/packages\/action|[\w-]+\/[\w-]+\/packages\/action@v1)$/);
      expectKnownInputs(step);
    }
    const { outputs } = await readActionYml();
    for (const [, output] of readme.matchAll(/steps\.[\w-]+\.outputs\.([\w-]+)/g))
      expect(Object.keys(outputs)).toContain(output);
    const runs = examples.flatMap((w) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps));
    expect(runs.some((s) => s.run?.includes('git commit') && s.run.includes('git push'))).toBe(true);
    expect(runs.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    // Each input's documented default is the one action.yml gives the runner.
    for (const [name, value] of Object.entries(await actionDefaults()))
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` +\\| \`${value}\` +\\|`));
  });
});
