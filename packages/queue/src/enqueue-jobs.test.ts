import { ValidationError } from '@pictor/core';
import { runBatch } from '@pictor/core/batch';
import { readManifest } from '@pictor/core/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueSetup, type QueueSetup } from './__fixtures__/queue-setup.js';
import { enqueuePictorJobs } from './enqueue-jobs.js';
import { pictorJobId } from './job-id.js';

let setup: QueueSetup;
beforeEach(async () => {
  setup = await queueSetup();
});
afterEach(() => setup.close());

describe('enqueuePictorJobs', () => {
  it('adds one job per prompt: a repeat, a rerun or a second enqueuer adds nothing twice', async () => {
    const { queue, client } = setup;
    const first = await enqueuePictorJobs(
      queue,
      [{ prompt: 'a red fox' }, { prompt: 'a blue whale', n: 2 }, { prompt: 'a red fox' }],
      {
        client,
      },
    );
    expect(first.added).toHaveLength(2);
    expect(first.existing).toEqual([first.jobIds[0]]);
    expect(first.jobIds[2]).toBe(first.jobIds[0]);

    const again = await enqueuePictorJobs(queue, [{ prompt: 'a blue whale', n: 2 }, { prompt: 'a red fox' }], {
      client,
    });
    expect(again.added).toEqual([]);
    expect(again.existing.sort()).toEqual([...first.added].sort());
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 2 });

    const job = await queue.getJob(first.jobIds[1]!);
    expect(job?.data).toEqual({
      key: first.jobIds[1]!.slice('pictor-'.length),
      request: { prompt: 'a blue whale', n: 2 },
    });
  });

  it('keys a prompt exactly as runBatch does, so a direct batch and a queued one resume each other', async () => {
    const { queue, client, outDir } = setup;
    await runBatch({
      client,
      jobs: [{ line: 1, request: { prompt: 'a green frog', aspectRatio: '16:9', seed: 4 } }],
      outDir,
    });
    const [entry] = (await readManifest(outDir)).entries;
    const result = await enqueuePictorJobs(
      queue,
      [{ line: 1, request: { prompt: 'a green frog', aspectRatio: '16:9', seed: 4 }, fileName: 'frog-{index}' }],
      { client },
    );
    expect(result.jobIds).toEqual([pictorJobId(entry!.key)]);
    expect((await queue.getJob(result.jobIds[0]!))?.data).toMatchObject({ line: 1, fileName: 'frog-{index}' });
  });

  it('validates every request first, naming the line and field, and adds nothing when one is bad', async () => {
    const { queue, client } = setup;
    const attempt = enqueuePictorJobs(
      queue,
      [
        { line: 1, request: { prompt: 'fine' } },
        { line: 2, request: { prompt: 'too big', size: '99999x1' } },
        { line: 3, request: { prompt: '' } },
      ],
      { client },
    );
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/line 2\.size: .*line 3\.prompt: must not be empty/);
    expect(await queue.count()).toBe(0);
  });

  it('moves a failed job of the same prompt back to waiting', async () => {
    const { queue, client } = setup;
    const { jobIds } = await enqueuePictorJobs(queue, [{ prompt: 'a snail' }], { client, jobOptions: { attempts: 1 } });
    const job = (await queue.getJob(jobIds[0]!))!;
    // Fail it as a worker would: take it, then move it to failed.
    const { Worker } = await import('bullmq');
    const worker = new Worker('pictor', null, { connection: setup.connection });
    const taken = await worker.getNextJob('token');
    expect(taken?.id).toBe(job.id);
    await taken!.moveToFailed(new Error('for the test'), 'token');
    await worker.close();
    expect(await queue.getJobState(job.id!)).toBe('failed');

    const rerun = await enqueuePictorJobs(queue, [{ prompt: 'a snail' }], { client });
    expect(rerun).toMatchObject({ added: [], existing: jobIds, retried: jobIds });
    expect(await queue.getJobState(job.id!)).toBe('waiting');
  });
});
