import type { NormalizedRequest } from './image-request.js';
import type { OptionalSetting } from './model-capabilities.js';
import type { EditInputs } from './plan-edit-inputs.js';

/** What a dialect needs to build one HTTP call's body. */
export interface CallBodyInput {
  request: NormalizedRequest;
  model: string;
  /** Images this call asks for. */
  n: number;
  /** This call's seed (the request's seed offset by the call's first image index). */
  seed: number | undefined;
  /** Settings the request gives and the target accepts: only these are sent. */
  send: ReadonlySet<OptionalSetting>;
  /** Whether `n` goes on the wire (Together's Google models refuse it). */
  sendsN: boolean;
  /** An edit's inputs, by URL, as wire fields (uploads travel as files beside the body). */
  edit?: EditInputs | undefined;
}
