import { mergeManifests, type MergeReport } from '@pictor/core/storage';
import { Command } from 'commander';
import { join } from 'node:path';
import type { CommandContext } from '../command-context.js';
import { displayPath } from '../display-path.js';
import { EXIT } from '../exit-codes.js';

const MERGE_EXAMPLES = `
Examples:
  $ pictor batch prompts.jsonl --shard 1/2 --out shard-1     # on one machine
  $ pictor batch prompts.jsonl --shard 2/2 --out shard-2     # on another
  $ pictor manifest merge images shard-1 shard-2             # then, with both folders copied here
  $ pictor manifest merge images shards/* --json

Copies each entry's images into <into> and records them in its manifest.json; a rerun of the whole batch into
<into> then finds every prompt done. Each folder is untrusted: an entry is merged only when every file is there
with the size, sha256 and format its manifest records; otherwise it is reported and the others are merged (exit 6).
A file name already taken in <into> gets -2, -3, … The same key with different images in two folders is a
conflict: the complete entry is kept, else the newer, and it is reported. Merging again changes nothing.`;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function printReport(report: MergeReport, sources: number, ctx: CommandContext): void {
  const { term } = ctx;
  for (const entry of report.merged) for (const file of entry.files) term.out(displayPath(join(report.into, file)));
  for (const conflict of report.conflicts) {
    const why = { complete: 'it is complete', newer: 'it is newer', first: 'same age, held first' }[conflict.reason];
    term.warn(
      `"${conflict.prompt}" (key ${conflict.key.slice(0, 16)}) differs between ${displayPath(conflict.kept.source)} ` +
        `and ${displayPath(conflict.dropped.source)}: kept ${displayPath(conflict.kept.source)}'s (${why})`,
    );
  }
  for (const problem of report.problems) term.warn(`${displayPath(problem.source)}: ${problem.message}`);
  const files = report.merged.reduce((n, entry) => n + entry.files.length, 0);
  term.info(
    `Merged ${plural(report.merged.length, 'entry', 'entries')} (${plural(files, 'file')}) from ` +
      `${plural(sources, 'folder')} into ${displayPath(report.into)}: ${report.skipped.length} already there, ` +
      `${plural(report.conflicts.length, 'conflict')}, ${plural(report.problems.length, 'problem')}; ` +
      `manifest ${displayPath(report.manifestPath)}`,
  );
}

async function merge(into: string, folders: string[], flags: { json?: boolean }, ctx: CommandContext): Promise<number> {
  ctx.errorContext.json = flags.json;
  // Unsafe entries are among the report's problems; onWarning would tell them twice.
  const report = await mergeManifests(into, folders);
  if (flags.json) {
    ctx.term.json({
      into: report.into,
      manifestPath: report.manifestPath,
      merged: report.merged.map((e) => ({ ...e, files: e.files.map((file) => join(report.into, file)) })),
      skipped: report.skipped,
      conflicts: report.conflicts,
      problems: report.problems,
    });
  } else printReport(report, folders.length, ctx);
  // Something was not merged: the folder is short of what the shards made, as a partly failed batch is.
  return report.problems.length ? EXIT.partial : EXIT.ok;
}

export function manifestCommand(ctx: CommandContext): Command {
  const mergeCommand = new Command('merge')
    .description("join the manifests of several folders (a sharded batch's outputs) into one folder")
    .argument('<into>', 'the folder to merge into (created if missing; what it holds is kept)')
    .argument('<folder...>', 'the folders to merge, each with its manifest.json')
    .option('--json', 'print one JSON document on stdout: merged, skipped, conflicts, problems')
    .addHelpText('after', MERGE_EXAMPLES)
    .action(async (into: string, folders: string[], flags: { json?: boolean }) => {
      ctx.exitCode = await merge(into, folders, flags, ctx);
    });
  return (
    new Command('manifest')
      .description("work with folders' manifest.json: merge the shards of a batch")
      .addCommand(mergeCommand.exitOverride().showSuggestionAfterError())
      // The program sets where this command prints after making it: its subcommand prints there too.
      .hook('preSubcommand', (command, sub) => {
        sub.configureOutput(command.configureOutput());
      })
  );
}
