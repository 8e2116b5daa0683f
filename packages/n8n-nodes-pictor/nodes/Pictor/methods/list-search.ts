import type { PictorClient } from '@pictor/core/kernel';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { toNodeError } from '../helpers/node-errors';
import { createClient } from '../transport/create-client';

/** The model picker: the provider's image models, filtered by what the user types (id or name). */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  let client: PictorClient | undefined;
  try {
    client = await createClient.call(this);
    const models = await client.listModels();
    const needle = filter?.trim().toLowerCase();
    const results = models
      .filter(
        (model) => !needle || model.id.toLowerCase().includes(needle) || model.name.toLowerCase().includes(needle),
      )
      .map((model) => ({ name: model.name === model.id ? model.id : `${model.name} (${model.id})`, value: model.id }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { results };
  } catch (error) {
    throw toNodeError(this.getNode(), error);
  } finally {
    await client?.close();
  }
}
