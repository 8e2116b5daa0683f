import { describe, expect, it } from 'vitest';
import { createLimit } from './concurrency-limit.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createLimit', () => {
  it('runs at most `concurrency` tasks at once, the rest in call order', async () => {
    const limit = createLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, k) =>
      limit(async () => {
        started.push(k);
        await gate.promise;
        return k;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([2, 2]);
    gates[1]?.resolve();
    await results[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    gates[2]?.resolve();
    gates[3]?.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([0, 0]);
  });

  it('frees the slot of a task that rejects or throws, and passes the error on', async () => {
    const limit = createLimit(1);
    const failing = limit(() => Promise.reject(new Error('no')));
    const throwing = limit(() => {
      throw new Error('sync');
    });
    const after = limit(async () => 'ok');
    await expect(failing).rejects.toThrow('no');
    await expect(throwing).rejects.toThrow('sync');
    await expect(after).resolves.toBe('ok');
    expect([limit.activeCount, limit.pendingCount]).toEqual([0, 0]);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createLimit(0)).toThrow(TypeError);
    expect(() => createLimit(1.5)).toThrow(TypeError);
    expect(createLimit(Number.POSITIVE_INFINITY)).toBeTypeOf('function');
  });
});
