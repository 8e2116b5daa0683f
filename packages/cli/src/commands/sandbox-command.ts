import { SANDBOX_DEFAULT_PORT } from '@pictor/core';
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { CommandContext } from '../command-context.js';
import { integer } from '../parse-number.js';
import { UsageError } from '../usage-error.js';

const EXAMPLES = `
Examples:
  $ pictor sandbox                                 # http://127.0.0.1:${SANDBOX_DEFAULT_PORT}
  $ pictor sandbox --port 0 --latency 500          # any free port, half a second per image
  $ pictor sandbox --key test-key --faults plan.json

Then, from another terminal:
  $ pictor generate "a lighthouse at dusk" --provider sandbox --base-url http://127.0.0.1:${SANDBOX_DEFAULT_PORT}/together/v1

The sandbox serves Together AI, OpenAI, r9s and AI Stats stand-ins under /<provider>/v1, with deterministic
placeholder images. A request header x-sandbox-fault: rate-limit|quota|server-error|… injects a fault;
--faults plan.json scripts them (see @pictor/sandbox). Stop it with Ctrl-C.`;

interface SandboxFlags {
  port: number;
  host?: string;
  quiet?: boolean;
  latency?: number;
  key?: string;
  faults?: string;
}

async function readFaults(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

export function sandboxCommand(ctx: CommandContext): Command {
  return new Command('sandbox')
    .description('run the offline sandbox server (Together, OpenAI, r9s and AI Stats stand-ins)')
    .option('--port <port>', 'port to listen on (0: any free port)', integer(0, 65_535), SANDBOX_DEFAULT_PORT)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--latency <ms>', 'delay per generated image', integer(0))
    .option('--key <key>', 'accept only this API key (default: any)')
    .option('--faults <plan.json>', 'a scripted fault plan')
    .option('-q, --quiet', 'do not log each request on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: SandboxFlags) => {
      const { term } = ctx;
      const { parseFaultPlan, startSandbox } = await import('@pictor/sandbox');
      let sandbox: Awaited<ReturnType<typeof startSandbox>>;
      try {
        const faults = flags.faults ? parseFaultPlan(await readFaults(flags.faults)) : undefined;
        sandbox = await startSandbox({
          port: flags.port,
          ...(flags.host ? { host: flags.host } : {}),
          ...(flags.quiet ? {} : { log: (line: string) => term.info(line) }),
          ...(flags.latency === undefined ? {} : { latencyMs: flags.latency }),
          ...(flags.key ? { apiKey: flags.key } : {}),
          ...(faults === undefined ? {} : { faults }),
        });
      } catch (error) {
        if (error instanceof TypeError) throw new UsageError(error.message);
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
          throw new UsageError(`port ${flags.port} is in use: pick another with --port`);
        throw error;
      }
      term.out(`Pictor sandbox listening on ${sandbox.url}`);
      for (const [name, url] of Object.entries(sandbox.urls)) term.out(`  ${name.padEnd(9)} ${url}`);
      term.info(`Try: pictor generate "a lighthouse at dusk" --provider sandbox --base-url ${sandbox.urls.together}`);
      term.info('Press Ctrl-C to stop.');
      const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      term.info(`pictor: ${String(signal[0] ?? 'signal')} received, stopping the sandbox`);
      await sandbox.close();
    });
}
