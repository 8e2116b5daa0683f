import type { ClientName } from './clients/client.ts';

/**
 * Runs `measure` for every client in every round, interleaved: round r goes through the clients starting at
 * the r-th, so no client is always first or last while the machine warms up or something else runs.
 * Returns each client's results in round order.
 */
export async function interleave<T>(
  clients: readonly ClientName[],
  rounds: number,
  measure: (client: ClientName, round: number) => Promise<T>,
): Promise<Map<ClientName, T[]>> {
  const results = new Map<ClientName, T[]>(clients.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < clients.length; i++) {
      const client = clients[(round + i) % clients.length] as ClientName;
      results.get(client)?.push(await measure(client, round));
    }
  }
  return results;
}

/** Sleeps without keeping the process alive for anything else. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
