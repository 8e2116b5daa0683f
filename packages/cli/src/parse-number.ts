import { InvalidArgumentError } from 'commander';

/** A commander argument parser for whole numbers within a range. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
      throw new InvalidArgumentError('must be a whole number');
    if (n < min || n > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be between ${min} and ${max}`,
      );
    return n;
  };
}

/** A commander argument parser for a finite number at least `min`. */
export function decimal(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}`);
    return n;
  };
}
