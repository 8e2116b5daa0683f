import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../authenticate.js';
import { sendError, sendJson } from '../http-helpers.js';
import { findModel, modelCatalogue, modelLimits, type ImageModel } from '../model-catalogue.js';
import type { ApiError } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import type { SandboxContext } from '../sandbox-context.js';

/** Together's `organization` for each model-id prefix. */
const ORGANIZATIONS: Record<string, string> = {
  'black-forest-labs': 'Black Forest Labs',
  google: 'Google',
  'ByteDance-Seed': 'ByteDance',
  Qwen: 'Qwen',
};

/** Together's `ModelInfo`, with the sandbox's limits under `pictor`. */
function togetherModel(model: ImageModel): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: model.created,
    type: 'image',
    display_name: model.displayName,
    organization: ORGANIZATIONS[model.ownedBy] ?? model.ownedBy,
    link: `https://huggingface.co/${model.id}`,
    license: 'other',
    pricing: { hourly: 0, input: 0, output: 0, base: 0, finetune: 0 },
    pictor: modelLimits(model),
  };
}

/** OpenAI's `Model`, with the sandbox's limits under `pictor`. */
function openAiModel(model: ImageModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy, pictor: modelLimits(model) };
}

function modelNotFound(id: string): ApiError {
  return {
    status: 404,
    message: `The model '${id}' does not exist`,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    gatewayCode: 'not_found',
  };
}

/** `GET /<provider>/v1/models` and `GET /<provider>/v1/models/<id>`. */
export function handleModels(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  provider: ProviderName,
  requestId: string,
  modelId: string | undefined,
): void {
  const key = authenticate(context, req, provider);
  if (typeof key !== 'string') return sendError(res, provider, key, requestId);
  const shape = provider === 'together' ? togetherModel : openAiModel;
  if (modelId !== undefined) {
    const model = findModel(provider, modelId);
    if (!model) return sendError(res, provider, modelNotFound(modelId), requestId);
    return sendJson(res, 200, shape(model));
  }
  const models = modelCatalogue(provider).map(shape);
  if (provider === 'together') return sendJson(res, 200, models);
  const list: Record<string, unknown> = { object: 'list', data: models };
  if (provider === 'ai-stats') {
    // AI Stats' own list shape (`ok`, `total`, `models`) alongside the OpenAI-compatible one.
    Object.assign(list, { ok: true, limit: models.length, offset: 0, total: models.length, models });
  }
  return sendJson(res, 200, list);
}
