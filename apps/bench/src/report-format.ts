import { PEER_SDKS, type ClientName } from './clients/client.ts';

/** A number with `digits` decimals and thousands separators; "–" when it is not finite. */
export function fixed(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "2.41×". */
export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–';
}

/** "min – max" of a list, for the spread across rounds. */
export function range(values: number[], digits = 1): string {
  if (values.length === 0) return '–';
  return `${fixed(Math.min(...values), digits)} – ${fixed(Math.max(...values), digits)}`;
}

/** The best of the peer SDKs by one metric: the highest (`max`, e.g. req/s) or the lowest (`min`, e.g. ms). */
export function bestPeer(values: Map<ClientName, number>, best: 'max' | 'min'): { name: ClientName; value: number } {
  let winner: { name: ClientName; value: number } = { name: PEER_SDKS[0] as ClientName, value: Number.NaN };
  for (const name of PEER_SDKS) {
    const value = values.get(name);
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!Number.isFinite(winner.value) || (best === 'max' ? value > winner.value : value < winner.value))
      winner = { name, value };
  }
  return winner;
}
