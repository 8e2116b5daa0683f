import type { ServerResponse } from 'node:http';
import sharp from 'sharp';
import type { FaultSpec } from '../fault-plan.js';
import { corruptBase64, resetSoon } from '../fault-responses.js';
import type { GenerationJob } from '../generation-request.js';
import { sleep, writeChunk } from '../http-helpers.js';
import { sseText, streamEvent } from '../response-bodies.js';
import type { SandboxContext } from '../sandbox-context.js';

/** What a stream needs of its request: the job, its renders, the wait per image, the fault it carries. */
export interface StreamPlan {
  job: GenerationJob;
  render(index: number): Promise<Buffer>;
  /** Per image, spread evenly between its events. */
  latencyMs: number;
  /** Only the faults a stream can show: `reset`, `truncated-json`, `malformed-json`, `invalid-base64`. */
  fault?: FaultSpec;
  /** Records the fault as injected. */
  inject(): void;
}

/** A lower-detail preview of a finished image: painted at an eighth of the size or more, then scaled back up. */
async function partialImage(bytes: Buffer, job: GenerationJob, step: number, steps: number): Promise<Buffer> {
  const detail = (step + 1) / (steps + 1); // 1/(steps+1) … steps/(steps+1): each partial sharper than the last
  const width = Math.max(8, Math.round(job.width * detail * 0.5));
  const height = Math.max(8, Math.round(job.height * detail * 0.5));
  const small = await sharp(bytes).resize(width, height, { fit: 'fill' }).blur(1.5).toBuffer();
  return sharp(small).resize(job.width, job.height, { fit: 'fill' }).toFormat(job.format).toBuffer();
}

/**
 * OpenAI's `stream: true`: for each image, `partial_images` previews, then the finished image with `usage`, as
 * server-sent events. The first event goes out at once and the rest `latencyMs / (partial_images + 1)` apart.
 * A client that leaves stops the stream: nothing more is rendered or written.
 */
export async function streamImages(
  context: SandboxContext,
  res: ServerResponse,
  plan: StreamPlan,
  signals: AbortSignal[],
): Promise<void> {
  const { job, fault } = plan;
  const gap = plan.latencyMs / (job.partialImages + 1);
  const created = Math.floor(Date.now() / 1000);
  const cancelled = (): void => {
    context.stats.streamsCancelled += 1;
  };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let first = true;
  /** 'sent', 'gone' (the client or the sandbox left), or 'ended' (a fault ended the stream). */
  const send = async (event: { type: string; data: Record<string, unknown> }): Promise<'sent' | 'gone' | 'ended'> => {
    if (!first && !(await sleep(gap, signals))) return 'gone';
    first = false;
    if (fault?.fault === 'invalid-base64') event.data.b64_json = corruptBase64(String(event.data.b64_json));
    let data = JSON.stringify(event.data);
    if (fault?.fault === 'truncated-json') {
      // The stream ends cleanly in the middle of the first event's base64.
      plan.inject();
      const cut = data.indexOf('"b64_json":"') + 12;
      res.end(sseText(event.type, data.slice(0, cut + Math.floor((data.length - cut) / 4))).slice(0, -2));
      return 'ended';
    }
    if (fault?.fault === 'malformed-json' && event.type.endsWith('.completed')) data = `${data.slice(0, -1)},}`;
    if (!(await writeChunk(res, sseText(event.type, data)))) return 'gone';
    if (fault?.fault === 'reset') {
      plan.inject();
      resetSoon(res);
      return 'ended';
    }
    return 'sent';
  };

  for (let index = 0; index < job.n; index++) {
    if (signals.some((s) => s.aborted)) return cancelled();
    const bytes = await plan.render(index);
    for (let p = 0; p < job.partialImages; p++) {
      if (signals.some((s) => s.aborted)) return cancelled();
      const preview = await partialImage(bytes, job, p, job.partialImages);
      const outcome = await send(streamEvent(job, 'partial', preview.toString('base64'), { partialIndex: p, created }));
      if (outcome !== 'sent') return outcome === 'gone' ? cancelled() : undefined;
    }
    const outcome = await send(streamEvent(job, 'completed', bytes.toString('base64'), { created }));
    if (outcome !== 'sent') return outcome === 'gone' ? cancelled() : undefined;
  }
  context.stats.imagesServed += job.n;
  if (fault?.fault === 'invalid-base64' || fault?.fault === 'malformed-json') plan.inject();
  res.end();
}
