import { normalizeRequest, PictorError, ValidationError, type CostEstimate, type PictorClient } from '@pictor/core';
import type { BatchJob } from '@pictor/core/batch';

/** One prompt of the plan: what it would send and cost, or why it would fail. */
export type PlannedPrompt = { line: number; prompt: string } & (
  { estimate: CostEstimate; error?: undefined } | { estimate?: undefined; error: PictorError }
);

/**
 * Every job priced as the run would send it, with no network call: core's `estimateCost` plans each request as
 * `generate()` does. An edit costs what a generation of the same model, size and quality costs, so it is priced as
 * one, under the model edits use (the request's, else the provider's default for edits).
 */
export function planCosts(client: PictorClient, jobs: BatchJob[], edit: boolean): PlannedPrompt[] {
  return jobs.map((job) => {
    const request = normalizeRequest(job.request);
    const base = { line: job.line, prompt: request.prompt };
    const model = request.model ?? (edit ? client.defaultEditModel : client.defaultModel);
    if (edit && model === undefined) {
      const error = new ValidationError(
        [{ field: 'model', message: `${client.provider} has no default model for edits: set model` }],
        'edit',
      );
      return { ...base, error };
    }
    try {
      return { ...base, estimate: client.estimateCost({ ...request, ...(model ? { model } : {}) }) };
    } catch (error) {
      if (!PictorError.isInstance(error)) throw error;
      return { ...base, error };
    }
  });
}
