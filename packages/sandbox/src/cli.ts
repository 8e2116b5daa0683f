import { parseCliArgs, USAGE } from './cli-args.js';
import { PROVIDER_NAMES } from './providers.js';
import { startSandbox } from './start-sandbox.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`pictor-sandbox: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const sandbox = await startSandbox({
    ...config.options,
    ...(config.quiet ? {} : { log: (line) => console.log(line) }),
  });
  console.log(`pictor-sandbox listening on ${sandbox.url}`);
  for (const name of PROVIDER_NAMES) console.log(`  ${name.padEnd(9)} ${sandbox.urls[name]}`);
  const auth = config.options.apiKey ? 'Bearer token: the --key given.' : 'Bearer token: any non-empty value.';
  console.log(`${auth} Ctrl-C stops.`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`pictor-sandbox: ${signal}, shutting down`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`pictor-sandbox: ${(error as Error).message}`);
  process.exit(1);
});
