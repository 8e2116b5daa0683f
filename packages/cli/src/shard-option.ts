import { parseShard, type Shard } from '@pictor/core/batch';
import { ValidationError } from '@pictor/core';
import { InvalidArgumentError } from 'commander';

/** A commander argument parser for `--shard i/n` (1-based, as a CI matrix counts), core's check as a usage error. */
export function shardOption(value: string): Shard {
  try {
    return parseShard(value);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    throw new InvalidArgumentError(error.issues[0]!.message);
  }
}
