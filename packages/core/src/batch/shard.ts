import type { PictorClient } from '../client/client.js';
import { ValidationError } from '../errors/index.js';
import { normalizeRequest, type NormalizedRequest } from '../request/image-request.js';
import { readInputImages } from '../images/input-images.js';
import { inputImageInfo, type ImageInput, type InputImage, type InputImageInfo } from '../request/edit-request.js';
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
  /**
   * An edit's images and mask, as runBatch's `edit` takes them but already read (bytes or URLs, not paths): their
   * hashes are part of each prompt's key.
   */
  edit?: { images: ImageInput[]; mask?: ImageInput | undefined } | undefined;
}

/** An edit's inputs as its manifest key holds them. */
export interface EditKeyInputs {
  inputs: readonly InputImageInfo[];
  mask?: InputImageInfo | undefined;
}

/** How runBatch describes an edit's read inputs in the key: one function, so a share planned is the share run. */
export function editKeyInputs(read: { images: InputImage[]; mask: InputImage | undefined }): EditKeyInputs {
  return { inputs: read.images.map(inputImageInfo), mask: read.mask && inputImageInfo(read.mask, 0) };
}

/**
 * The jobs whose manifest key — the one `runBatch` resumes by, for this client's provider and (default) model —
 * falls in `shard`, in their order: `runBatch({ shard })` runs exactly these, so a dry run or a progress bar can
 * count them first. A job core refuses is kept (in every shard), so each share reports it as a whole run would.
 */
export function jobsInShard({ client, jobs, shard, edit }: JobsInShardOptions): BatchJob[] {
  const share = toShard(shard);
  const info = edit && editKeyInputs(readInputImages(edit.images, edit.mask));
  return jobs.filter((job) => {
    let request: NormalizedRequest;
    try {
      request = normalizeRequest(job.request);
    } catch (error) {
      if (ValidationError.isInstance(error)) return true;
      throw error;
    }
    return inShard(promptKey(client, request, info), share);
  });
}

/** The manifest key of one prompt, as runBatch computes it: the request's model, else the client's default. */
export function promptKey(client: PictorClient, request: NormalizedRequest, edit?: EditKeyInputs): string {
  const model = request.model ?? (edit ? client.defaultEditModel : client.defaultModel) ?? '';
  return requestKey(client.provider, model, request, edit);
}
