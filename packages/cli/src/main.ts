import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import type { CommandContext } from './command-context.js';
import { batchCommand } from './commands/batch-command.js';
import { costCommand } from './commands/cost-command.js';
import { galleryCommand } from './commands/gallery-command.js';
import { manifestCommand } from './commands/manifest-command.js';
import { editCommand } from './commands/edit-command.js';
import { generateCommand } from './commands/generate-command.js';
import { modelsCommand } from './commands/models-command.js';
import { sandboxCommand } from './commands/sandbox-command.js';
import { workerCommand } from './commands/worker-command.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { hideOptionValues } from './hide-option-values.js';
import { reportError } from './report-error.js';
import { Terminal } from './terminal.js';

const HELP_FOOTER = `
Examples:
  $ pictor generate "a lighthouse at dusk" -n 4 --gallery     # no key needed: the offline sandbox
  $ TOGETHER_API_KEY=… pictor generate "a lighthouse at dusk" --aspect 16:9
  $ pictor generate "a lighthouse at dusk" --stream                # previews while it draws
  $ pictor edit photo.png "make it a watercolour" --mask sky.png
  $ pictor batch prompts.jsonl --concurrency 4 --gallery
  $ pictor gallery ./images
  $ pictor generate "a lighthouse at dusk" -n 8 --dry-run          # what it would cost; nothing sent
  $ pictor batch prompts.jsonl --max-cost 2                          # never spends past $2
  $ pictor cost ./images                                             # what a folder's images cost
  $ pictor batch prompts.jsonl --shard 2/4 --out shard-2             # this machine's share of four
  $ pictor manifest merge images shard-1 shard-2 shard-3 shard-4     # join the shards' folders
  $ pictor models --provider together
  $ pictor sandbox --port 8787
  $ pictor batch prompts.jsonl --queue redis://127.0.0.1:6379 --wait   # queued for pictor worker
  $ pictor worker --queue redis://127.0.0.1:6379 --out ./images      # on every machine

Environment:
  TOGETHER_API_KEY, OPENAI_API_KEY, R9S_API_KEY, AI_STATS_API_KEY   key of each provider
  PICTOR_API_KEY      a key for any provider (with PICTOR_PROVIDER, PICTOR_BASE_URL)
  PICTOR_PROVIDER     default for --provider
  PICTOR_BASE_URL     default for --base-url (without a provider: a custom OpenAI-compatible gateway)
  With no key and no --provider, pictor starts the offline sandbox in-process and says so.

${EXIT_CODES_HELP}

Run pictor <command> --help for a command's options and examples.`;

/** Builds the `pictor` program; each command records its exit code in `ctx`. */
export function createProgram(ctx: CommandContext): Command {
  const program = new Command('pictor')
    .description(
      'Generate images from text with Together AI or any OpenAI-compatible images API — or offline, with the embedded sandbox.',
    )
    .version(pkg.version, '-V, --version')
    .option('-v, --verbose', 'on errors, print the stack and the cause chain')
    .showSuggestionAfterError()
    .addHelpText('after', HELP_FOOTER)
    .configureOutput({
      writeOut: (text) => ctx.term.stdout.write(text),
      writeErr: (text) => ctx.term.stderr.write(text),
      outputError: (text, write) =>
        write(`pictor: ${hideOptionValues(text.replace(/\n*$/, ''))} (see pictor --help)\n`),
    })
    .exitOverride();
  for (const make of [
    generateCommand,
    editCommand,
    batchCommand,
    galleryCommand,
    costCommand,
    manifestCommand,
    modelsCommand,
    sandboxCommand,
    workerCommand,
  ]) {
    program.addCommand(make(ctx).exitOverride().configureOutput(program.configureOutput()).showSuggestionAfterError());
  }
  program.hook('preAction', () => {
    ctx.errorContext.verbose = program.opts<{ verbose?: boolean }>().verbose === true;
  });
  return program;
}

/** Runs the command line and returns the exit code; nothing throws out of here. */
export async function main(argv: string[], term = new Terminal()): Promise<number> {
  const ctx: CommandContext = { term, errorContext: {}, exitCode: EXIT.ok };
  const program = createProgram(ctx);
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    // commander has already printed its own usage errors (and help or the version, which exit 0).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(term, error, ctx.errorContext);
  }
}
