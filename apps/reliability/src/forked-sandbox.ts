import { fork, type ChildProcess } from 'node:child_process';
import type { SandboxOptions, SandboxStats } from '@pictor/sandbox';
import type { SandboxCommand, SandboxReply } from './soak-sandbox-process.ts';

/** A sandbox running in a child process, driven over IPC. */
export interface ForkedSandbox {
  url: string;
  urls: Record<string, string>;
  /** The sandbox's counters (requests, injected faults with their request ids, …). */
  stats(): Promise<Omit<SandboxStats, 'reset'>>;
  resetStats(): Promise<void>;
  /** TCP connections the sandbox still holds. */
  openSockets(): Promise<number>;
  close(): Promise<void>;
}

type CommandType = SandboxCommand['type'];
type ReplyOf<T extends SandboxReply['type']> = Extract<SandboxReply, { type: T }>;

/** Forks `soak-sandbox-process.ts` with `options` and resolves once it listens. */
export async function startForkedSandbox(options: SandboxOptions): Promise<ForkedSandbox> {
  const child: ChildProcess = fork(new URL('./soak-sandbox-process.ts', import.meta.url), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<number, (reply: SandboxReply) => void>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<ReplyOf<'ready'>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the soak sandbox exited with code ${code} before listening`)));
    child.on('message', (reply: SandboxReply) => {
      if (reply.type === 'ready') return resolve(reply);
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
  });

  function ask<T extends CommandType>(type: T): Promise<ReplyOf<T>> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('the soak sandbox is gone'));
      pending.set(id, (reply) => resolve(reply as ReplyOf<T>));
      child.send({ type, id } as SandboxCommand);
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url: ready.url,
    urls: ready.urls,
    stats: async () => (await ask('stats')).stats,
    resetStats: async () => {
      await ask('reset');
    },
    openSockets: async () => (await ask('sockets')).open,
    close() {
      closing ??= (child.connected ? ask('close').then(() => undefined) : Promise.resolve()).then(() => exited);
      return closing;
    },
  };
}
