// The sandbox under test, in a process of its own, driven from the orchestrator's process (scenarios 5 and 6).
// argv[2]: JSON of the sandbox's options, plus `proxy` to put the counting proxy in front of it.
import { startSandbox, type SandboxOptions } from '@pictor/sandbox';
import { startCountingProxy, type LatencyRange } from './counting-proxy.ts';

const { proxy: latency, ...options } = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions & { proxy?: LatencyRange };
const sandbox = await startSandbox(options);
const proxy = latency ? await startCountingProxy(sandbox.url, latency) : undefined;
process.on('message', (message: 'stats' | 'close') => {
  if (message === 'stats') process.send?.({ stats: sandbox.stats, counts: proxy?.counts() ?? {} });
  else void Promise.all([proxy?.close(), sandbox.close()]).then(() => process.exit(0));
});
const urls = proxy
  ? Object.fromEntries(Object.entries(sandbox.urls).map(([name, url]) => [name, url.replace(sandbox.url, proxy.url)]))
  : sandbox.urls;
process.send?.({ urls });
