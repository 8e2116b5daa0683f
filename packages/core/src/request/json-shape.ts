/** Limits on a free-form JSON value. */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays (the value itself is depth 1 when it is one). */
  maxDepth: number;
  /** Values in all (objects, arrays, strings, numbers…), keys not counted. */
  maxValues: number;
  /** Characters of all strings and keys together. */
  maxStringChars: number;
}

/**
 * Why `value` breaks the limits or is not plain JSON (a function, a cycle, a class instance), or undefined when it
 * is fine. Walks with an explicit stack, so a value nested deeper than the call stack cannot overflow it here.
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let values = 0;
  let chars = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (++values > limits.maxValues) return `must hold at most ${limits.maxValues} values`;
    if (typeof current === 'string') chars += current.length;
    else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return 'must hold only finite numbers';
    } else if (current !== null && typeof current === 'object') {
      if (depth > limits.maxDepth) return `must not be nested deeper than ${limits.maxDepth} levels`;
      const proto = Object.getPrototypeOf(current) as unknown;
      if (!Array.isArray(current) && proto !== Object.prototype && proto !== null)
        return 'must hold only plain JSON values';
      if (Array.isArray(current)) for (const child of current as unknown[]) stack.push([child, depth + 1]);
      else {
        for (const [key, child] of Object.entries(current)) {
          chars += key.length;
          stack.push([child, depth + 1]);
        }
      }
    } else if (typeof current !== 'boolean' && current !== undefined && current !== null)
      return `must hold only JSON values (found a ${typeof current})`;
    if (chars > limits.maxStringChars) return `must hold at most ${limits.maxStringChars} characters of text`;
  }
  return undefined;
}
