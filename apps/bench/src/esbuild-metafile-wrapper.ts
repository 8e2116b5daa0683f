// See esbuild-metafile-hook.ts: the Action's esbuild, with a metafile written beside every build.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The little of esbuild's API this wrapper touches (esbuild is the Action's dependency, not the bench's). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: unknown }>;
  context: unknown;
  transform: unknown;
  formatMessages: unknown;
  analyzeMetafile: unknown;
  version: string;
}

const real = createRequire(join(process.cwd(), 'package.json'))('esbuild') as Esbuild;

export async function build(options: Record<string, unknown>): Promise<{ metafile?: unknown }> {
  const result = await real.build({ ...options, metafile: true });
  if (process.env.BENCH_METAFILE) writeFileSync(process.env.BENCH_METAFILE, JSON.stringify(result.metafile));
  return result;
}

export const { context, transform, formatMessages, analyzeMetafile, version } = real;
