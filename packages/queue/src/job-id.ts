/** The queue Pictor's workers take jobs from when none is named. */
export const DEFAULT_QUEUE_NAME = 'pictor';

const KEY = /^[0-9a-f]{64}$/;

/**
 * The BullMQ job id of a manifest key (core's `requestKey`): `pictor-<key>`. BullMQ adds nothing for an id it
 * already holds, so a rerun or a second enqueuer of the same prompt adds no second job. The prefix keeps the id from
 * ever being an integer (BullMQ refuses those), and a key holds no `:`.
 */
export function pictorJobId(key: string): string {
  if (!KEY.test(key)) throw new TypeError('key: must be a manifest key, 64 lowercase hex digits (a sha256)');
  return `pictor-${key}`;
}
