/** Injection token of a `PictorQueueModule`'s options. */
export const PICTOR_QUEUE_MODULE_OPTIONS = 'PICTOR_QUEUE_MODULE_OPTIONS';

/** Injection token of the Pictor client the queue's service and processor use. */
export const PICTOR_QUEUE_CLIENT = 'PICTOR_QUEUE_CLIENT';

/** Injection token of the resolved queue name. */
export const PICTOR_QUEUE_NAME = 'PICTOR_QUEUE_NAME';

/**
 * The `@nestjs/bullmq` configuration key of a Pictor queue: its own, so an app's `BullModule.forRoot()` for other
 * queues and Pictor's connection never overwrite each other.
 */
export const pictorBullConfigKey = (queueName: string): string => `pictor:${queueName}`;
