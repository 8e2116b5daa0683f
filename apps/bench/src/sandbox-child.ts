// The sandbox under test, in a process of its own (scenario 5 drives it from the orchestrator's process).
import { startSandbox } from '@pictor/sandbox';

const sandbox = await startSandbox();
process.on('message', (message: 'stats' | 'close') => {
  if (message === 'stats') process.send?.({ stats: sandbox.stats });
  else void sandbox.close().then(() => process.exit(0));
});
process.send?.({ urls: sandbox.urls });
