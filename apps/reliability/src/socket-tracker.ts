import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Counts the sockets undici holds open, from its `undici:client:connected` channel: every connection it makes
 * is added, and dropped when the socket closes. Idle keep-alive sockets are unref'd by undici, so
 * `process.getActiveResourcesInfo()` does not list them; this does.
 */
export class SocketTracker {
  readonly #open = new Set<Socket>();
  #opened = 0;

  readonly #onConnected = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    if (!socket || socket.destroyed) return;
    this.#opened += 1;
    this.#open.add(socket);
    socket.once('close', () => this.#open.delete(socket));
  };

  start(): void {
    diagnosticsChannel.subscribe('undici:client:connected', this.#onConnected);
  }

  stop(): void {
    diagnosticsChannel.unsubscribe('undici:client:connected', this.#onConnected);
  }

  /** Sockets opened and not yet closed. */
  get open(): number {
    let count = 0;
    for (const socket of this.#open) if (!socket.destroyed) count += 1;
    return count;
  }

  /** Sockets opened since `start()`. */
  get opened(): number {
    return this.#opened;
  }
}
