import type { PictorClient } from '../client/client.js';
import { ValidationError } from '../errors/index.js';
import { normalizeRequest, type NormalizedRequest } from '../request/image-request.js';
import type { InputImageInfo } from '../request/edit-request.js';
import { requestKey } from '../storage/manifest.js';
import type { BatchJob } from './parse-batch-file.js';

/** One share of a batch split across machines: `index` of `total`, 1-based (`2/4` is the second of four). */
export interface Shard {
  index: number;
  total: number;
}

const SHARD = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/;

/**
 * Reads `i/n` (1-based, as a CI matrix counts: `2/4`). Anything else — `0/4`, `5/4`, `1/0`, `x/y` — is a
 * `ValidationError` naming `field` (default `shard`).
 */
export function parseShard(text: string, field = 'shard'): Shard {
  const match = SHARD.exec(text);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) {
    const message = `must be i/n with 1 ≤ i ≤ n, e.g. 2/4 for the second of four shares; got ${JSON.stringify(text)}`;
    throw new ValidationError([{ field, message }], 'option');
  }
  return { index, total };
}

/**
 * Whether a manifest key falls in this shard: its first 8 hex digits as a number, mod `total`, is `index - 1`. The
 * key is a sha256, so the shares are even and never overlap, and a prompt stays in its shard from run to run (its
 * position in the file does not matter: adding a prompt moves no other one).
 */
export function inShard(key: string, shard: Shard): boolean {
  return Number.parseInt(key.slice(0, 8), 16) % shard.total === shard.index - 1;
}

/** `shard` as runBatch takes it (`'2/4'` or `{ index, total }`), checked. */
export function toShard(shard: Shard | string): Shard {
  return typeof shard === 'string' ? parseShard(shard) : parseShard(`${shard.index}/${shard.total}`);
}

export interface JobsInShardOptions {
  client: PictorClient;
  jobs: BatchJob[];
  shard: Shard | string;
  /** An edit's inputs (and mask) as the manifest records them: they are part of each prompt's key. */
  edit?: { inputs: readonly InputImageInfo[]; mask?: InputImageInfo | undefined } | undefined;
}

/**
 * The jobs whose manifest key — the one `runBatch` resumes by, for this client's provider and (default) model —
 * falls in `shard`, in their order: `runBatch({ shard })` runs exactly these, so a dry run or a progress bar can
 * count them first. A job core refuses is kept (in every shard), so each share reports it as a whole run would.
 */
export function jobsInShard({ client, jobs, shard, edit }: JobsInShardOptions): BatchJob[] {
  const share = toShard(shard);
  return jobs.filter((job) => {
    let request: NormalizedRequest;
    try {
      request = normalizeRequest(job.request);
    } catch (error) {
      if (ValidationError.isInstance(error)) return true;
      throw error;
    }
    return inShard(promptKey(client, request, edit), share);
  });
}

/** The manifest key of one prompt, as runBatch computes it: the request's model, else the client's default. */
export function promptKey(client: PictorClient, request: NormalizedRequest, edit?: JobsInShardOptions['edit']): string {
  const model = request.model ?? (edit ? client.defaultEditModel : client.defaultModel) ?? '';
  return requestKey(client.provider, model, request, edit);
}
