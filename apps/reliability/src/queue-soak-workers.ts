import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { QueueSoakWorkerConfig, WorkerEvent } from './queue-soak-worker.ts';

/** A queue soak worker running as its own OS process, and every event it has printed. */
export interface SoakWorkerProcess {
  name: string;
  pid: number;
  events: WorkerEvent[];
  /** Calls `listener` for each event printed from now on; returns a function that stops it. */
  onEvent(listener: (event: WorkerEvent) => void): () => void;
  /** What it wrote on stderr (kept for the report when something goes wrong). */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const WORKER = new URL('./queue-soak-worker.ts', import.meta.url);

/** Starts `queue-soak-worker.ts` with the pinned Node (the one running this) and resolves once it says it is ready. */
export async function startSoakWorker(config: QueueSoakWorkerConfig): Promise<SoakWorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [WORKER.pathname, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A soak that ends abruptly must not leave workers behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const events: WorkerEvent[] = [];
  const listeners = new Set<(event: WorkerEvent) => void>();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: WorkerEvent;
    try {
      event = JSON.parse(line) as WorkerEvent;
    } catch {
      return; // not one of ours (a library writing to stdout)
    }
    events.push(event);
    for (const listener of listeners) listener(event);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    }),
  );
  const onEvent = (listener: (event: WorkerEvent) => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  await new Promise<void>((resolve, reject) => {
    const stop = onEvent((event) => {
      if (event.type !== 'ready') return;
      stop();
      resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(
        new Error(`worker ${config.name} exited (${code ?? signal}) before it was ready: ${stderr.slice(-2_000)}`),
      ),
    );
  });
  return {
    name: config.name,
    pid: child.pid!,
    events,
    onEvent,
    stderr: () => stderr,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}
