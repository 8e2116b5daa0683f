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

/** Manual Trigger → Pictor, with a fixed id so `n8n execute --id` can run it. */
export function pictorWorkflow(options: PictorWorkflowOptions) {
  return {
    id: options.id,
    name: `Pictor ${options.id}`,
    active: false,
    settings: {},
    nodes: [
      {
        id: `${options.id}-trigger`,
        name: 'Manual',
        type: 'n8n-nodes-base.manualTrigger',
        typeVersion: 1,
        position: [0, 0],
        parameters: {},
      },
      {
        id: `${options.id}-pictor`,
        name: 'Pictor',
        type: options.nodeType,
        typeVersion: 1,
        position: [240, 0],
        parameters: options.parameters,
        credentials: { pictorApi: { id: options.credentialId, name: `Pictor ${options.credentialId}` } },
        ...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
      },
    ],
    connections: { Manual: { main: [[{ node: 'Pictor', type: 'main', index: 0 }]] } },
  };
}
