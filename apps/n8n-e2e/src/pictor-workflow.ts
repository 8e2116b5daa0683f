import { randomUUID } from 'node:crypto';

/** A credential of the node's `pictorApi` type, as `n8n import:credentials` takes it (decrypted data). */
export function pictorCredential(id: string, data: { provider: string; apiKey: string; baseUrl: string }) {
  return { id, name: `Pictor ${id}`, type: 'pictorApi', data };
}

export interface PictorWorkflowOptions {
  id: string;
  /** `CUSTOM.pictor` (custom extensions) or `n8n-nodes-pictor.pictor` (community install). */
  nodeType: string;
  credentialId: string;
  /** The Pictor node's parameters. */
  parameters: Record<string, unknown>;
  continueOnFail?: boolean;
}

/** One Pictor node of a pipeline: its name in the workflow and its parameters. */
export interface PictorStep {
  name: string;
  parameters: Record<string, unknown>;
  continueOnFail?: boolean;
}

export interface PictorPipelineOptions {
  id: string;
  nodeType: string;
  credentialId: string;
  /** Pictor nodes in a row, each fed the items of the one before it. */
  steps: PictorStep[];
}

type TriggerNode = { id: string; name: string; type: string; typeVersion: number; parameters: Record<string, unknown> };

const manualTrigger = (id: string): TriggerNode => ({
  id: `${id}-trigger`,
  name: 'Manual',
  type: 'n8n-nodes-base.manualTrigger',
  typeVersion: 1,
  parameters: {},
});

/** A trigger, then Pictor nodes in a row, each fed the items of the one before it. */
function chain(trigger: TriggerNode, options: PictorPipelineOptions) {
  const nodes = options.steps.map((step, index) => ({
    id: `${options.id}-${index}`,
    name: step.name,
    type: options.nodeType,
    typeVersion: 1,
    position: [240 * (index + 1), 0],
    parameters: step.parameters,
    credentials: { pictorApi: { id: options.credentialId, name: `Pictor ${options.credentialId}` } },
    ...(step.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
  }));
  const names = [trigger.name, ...options.steps.map((step) => step.name)];
  const connections = Object.fromEntries(
    names.slice(0, -1).map((from, index) => [from, { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] }]),
  );
  return {
    id: options.id,
    name: `Pictor ${options.id}`,
    active: false,
    settings: {},
    nodes: [{ ...trigger, position: [0, 0] }, ...nodes],
    connections,
  };
}

/** Manual Trigger → Pictor, with a fixed id so `n8n execute --id` can run it. */
export function pictorWorkflow(options: PictorWorkflowOptions) {
  const step = { name: 'Pictor', parameters: options.parameters, continueOnFail: options.continueOnFail ?? false };
  return chain(manualTrigger(options.id), { ...options, steps: [step] });
}

/** Manual Trigger → Pictor → Pictor …, e.g. a generation whose images an edit then changes. */
export function pictorPipeline(options: PictorPipelineOptions) {
  return chain(manualTrigger(options.id), options);
}

export interface PictorWebhookWorkflowOptions {
  id: string;
  nodeType: string;
  credentialId: string;
  /** The webhook's path: the workflow answers `POST <n8n>/webhook/<path>`. */
  path: string;
  parameters: Record<string, unknown>;
}

/**
 * Webhook → Pictor, answering the request with the Pictor node's first binary (`data`) once the execution ends: a
 * trigger that n8n in queue mode hands to a worker (unlike `n8n execute`, which always runs in its own process).
 */
export function pictorWebhookWorkflow(options: PictorWebhookWorkflowOptions) {
  const webhook = {
    id: `${options.id}-webhook`,
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    webhookId: randomUUID(),
    parameters: {
      httpMethod: 'POST',
      path: options.path,
      responseMode: 'lastNode',
      responseData: 'firstEntryBinary',
      responseBinaryPropertyName: 'data',
      options: {},
    },
  };
  return chain(webhook, { ...options, steps: [{ name: 'Pictor', parameters: options.parameters }] });
}
