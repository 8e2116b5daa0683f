/** Runs at most `concurrency` tasks at once; the rest wait in order. */
export interface Limit {
  <T>(task: () => Promise<T>): Promise<T>;
  readonly activeCount: number;
  readonly pendingCount: number;
}

/**
 * A concurrency cap with p-limit's semantics (tasks start in call order, at most `concurrency` at once, a task
 * that throws frees its slot) and a fast path: while a slot is free the task starts synchronously, without a
 * queue entry or extra promise hops.
 */
export function createLimit(concurrency: number): Limit {
  if (!(Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) || concurrency < 1) {
    throw new TypeError('Expected `concurrency` to be a number from 1 and up');
  }
  let active = 0;
  // A FIFO of waiting starters; `head` moves forward instead of shifting the array.
  let queue: Array<() => void> = [];
  let head = 0;

  const release = (): void => {
    active--;
    if (head < queue.length) {
      const start = queue[head] as () => void;
      queue[head++] = undefined as unknown as () => void;
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      active++;
      start();
    }
  };

  const run = <T>(task: () => Promise<T>): Promise<T> => {
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      result = Promise.reject(error as Error);
    }
    result.then(release, release);
    return result;
  };

  const limit = (<T>(task: () => Promise<T>): Promise<T> => {
    if (active < concurrency && head === queue.length) {
      active++;
      return run(task);
    }
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        run(task).then(resolve, reject);
      });
    });
  }) as Limit;
  Object.defineProperties(limit, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length - head },
  });
  return limit;
}
