import { Worker } from 'node:worker_threads';

/**
 * Samples the process's RSS every millisecond from a worker thread, so the peak is seen even while the main
 * thread is busy in one long synchronous step (a `JSON.parse` of 20 MB, a base64 decode). `reset()` starts
 * a new peak; `peak()` reads it (bytes).
 */
export class RssSampler {
  readonly #shared = new Float64Array(new SharedArrayBuffer(16));
  readonly #worker: Worker;

  constructor() {
    this.#worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const shared = new Float64Array(workerData);
       setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > shared[0]) shared[0] = rss; }, 1);`,
      { eval: true, workerData: this.#shared.buffer },
    );
    this.#worker.unref();
  }

  /** Forgets the peak so far; the next samples start from the current RSS. */
  reset(): void {
    this.#shared[0] = process.memoryUsage.rss();
  }

  peak(): number {
    return Math.max(this.#shared[0] ?? 0, process.memoryUsage.rss());
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}
