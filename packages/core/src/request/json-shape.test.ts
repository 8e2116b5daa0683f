import { describe, expect, it } from 'vitest';
import { jsonShapeProblem } from './json-shape.js';

const LIMITS = { maxDepth: 4, maxValues: 20, maxStringChars: 50 };

describe('jsonShapeProblem', () => {
  it('accepts plain JSON within the limits', () => {
    expect(jsonShapeProblem({ a: [1, 'two', { b: null, c: true, d: undefined }] }, LIMITS)).toBeUndefined();
  });

  it('refuses nesting past the limit, even 100,000 deep, without overflowing the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonShapeProblem(deep, LIMITS)).toBe('must not be nested deeper than 4 levels');
    expect(jsonShapeProblem({ a: { b: { c: { d: 1 } } } }, LIMITS)).toBeUndefined();
    expect(jsonShapeProblem({ a: { b: { c: { d: {} } } } }, LIMITS)).toMatch(/deeper than 4/);
  });

  it('refuses too many values, too much text, and what is not JSON', () => {
    expect(jsonShapeProblem({ list: Array.from({ length: 30 }, () => 1) }, LIMITS)).toMatch(/at most 20 values/);
    expect(jsonShapeProblem({ text: 'x'.repeat(60) }, LIMITS)).toMatch(/at most 50 characters/);
    expect(jsonShapeProblem({ f: () => 1 }, LIMITS)).toMatch(/found a function/);
    expect(jsonShapeProblem({ d: new Date(0) }, LIMITS)).toMatch(/plain JSON/);
    expect(jsonShapeProblem({ n: Number.NaN }, LIMITS)).toMatch(/finite/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonShapeProblem(cycle, LIMITS)).toBeDefined();
  });
});
