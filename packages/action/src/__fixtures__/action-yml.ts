import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The Action's folder (packages/action). */
export const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

export async function readActionYml(): Promise<ActionYml> {
  return parse(await readFile(join(packageDir, 'action.yml'), 'utf8')) as ActionYml;
}

/** Every input's default from action.yml, as the runner passes it. */
export async function actionDefaults(): Promise<Record<string, string>> {
  const { inputs } = await readActionYml();
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([name, input]) =>
      input.default === undefined ? [] : [[name, String(input.default)]],
    ),
  );
}
