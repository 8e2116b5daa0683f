import { Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../command-options.js';
import type { CommandContext } from '../command-context.js';
import { openClient } from '../open-client.js';

const EXAMPLES = `
Examples:
  $ pictor models                          # the provider your key picks, or the embedded sandbox
  $ pictor models --provider together
  $ pictor models --provider openai --all --json`;

type ModelsFlags = ClientFlags & { all?: boolean; json?: boolean };

export function modelsCommand(ctx: CommandContext): Command {
  const command = new Command('models')
    .description("list the provider's image models")
    .option('--all', 'list every model, not only image models')
    .option('--json', 'print one JSON document on stdout');
  addClientOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (flags: ModelsFlags) => {
    const { term } = ctx;
    ctx.errorContext.json = flags.json;
    const session = await openClient(flags, ctx);
    try {
      const models = await session.client.listModels({ imageOnly: flags.all !== true });
      if (flags.json) {
        term.json({
          provider: session.client.provider,
          defaultModel: session.client.defaultModel ?? null,
          models: models.map(({ id, name, type, ownedBy }) => ({
            id,
            name,
            type: type ?? null,
            ownedBy: ownedBy ?? null,
          })),
        });
        return;
      }
      const width = Math.max(0, ...models.map((m) => m.id.length));
      for (const m of models) {
        const extra = [m.name !== m.id ? m.name : '', m.id === session.client.defaultModel ? '(default)' : '']
          .filter(Boolean)
          .join(' ');
        term.out(extra ? `${m.id.padEnd(width)}  ${extra}` : m.id);
      }
      term.info(
        `${models.length} ${flags.all ? '' : 'image '}model${models.length === 1 ? '' : 's'} from ${session.label}`,
      );
    } finally {
      await session.close();
    }
  });
}
