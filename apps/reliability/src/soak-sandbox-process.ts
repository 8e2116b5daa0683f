// The soak's sandbox, in a child process of its own: the soak measures the client's memory and sockets, not the
// server's, and the two get a core each. Started with `fork()`; speaks over the IPC channel only (no TCP of its own
// for control, so the client process's socket count after `close()` is the client's alone).
import { startSandbox, type SandboxOptions, type SandboxStats } from '@pictor/sandbox';

/** Messages the parent sends. */
export type SandboxCommand =
  | { type: 'stats'; id: number }
  | { type: 'reset'; id: number }
  | { type: 'sockets'; id: number }
  | { type: 'close'; id: number };

/** Messages the child sends. */
export type SandboxReply =
  | { type: 'ready'; url: string; urls: Record<string, string> }
  | { type: 'stats'; id: number; stats: Omit<SandboxStats, 'reset'> }
  | { type: 'reset'; id: number }
  | { type: 'sockets'; id: number; open: number }
  | { type: 'close'; id: number };

/** TCP connections this process holds open (the listening socket is a TCPServerWrap, not counted). */
function openConnections(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
  const sandbox = await startSandbox(options);
  const send = (reply: SandboxReply): void => {
    process.send?.(reply);
  };
  process.on('message', (command: SandboxCommand) => {
    switch (command.type) {
      case 'stats': {
        const { reset: _reset, ...stats } = sandbox.stats;
        send({ type: 'stats', id: command.id, stats });
        return;
      }
      case 'reset':
        sandbox.stats.reset();
        send({ type: 'reset', id: command.id });
        return;
      case 'sockets':
        send({ type: 'sockets', id: command.id, open: openConnections() });
        return;
      case 'close':
        void sandbox.close().then(() => {
          send({ type: 'close', id: command.id });
          process.disconnect();
        });
        return;
    }
  });
  // The parent gone (crashed or killed) means nobody needs the sandbox any more.
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
  send({ type: 'ready', url: sandbox.url, urls: sandbox.urls });
}

main().catch((error: unknown) => {
  console.error(`soak sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
