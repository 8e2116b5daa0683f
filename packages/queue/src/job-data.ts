import { fileNamePatternProblem, imageRequestSchema, ValidationError, type FieldIssue } from '@pictor/core';
import * as z from 'zod/v4/mini';

/**
 * What one job holds: a prompt with its request settings (one line of a batch file, as JSON), its manifest key, and
 * where it came from. Never an API key: a worker brings its own.
 */
export const pictorJobDataSchema = z.strictObject({
  /** The manifest key of the request for the enqueuer's provider and model (core's `requestKey`). */
  key: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a manifest key)')),
  /** The request, as `generate()` takes it. */
  request: imageRequestSchema,
  /** A file-name pattern for this prompt's images (see core's `formatFileName`). */
  fileName: z.optional(
    z
      .string()
      .check(z.refine((pattern) => fileNamePatternProblem(pattern) === undefined, 'is not a file-name pattern')),
  ),
  /** The line (or YAML item) of the batch file it came from, for messages. */
  line: z.optional(z.number().check(z.int(), z.positive())),
});

/** A job's data as the enqueuer writes it. */
export type PictorJobData = z.input<typeof pictorJobDataSchema>;

/**
 * Reads job data back from Redis, where anything may have written it: a `ValidationError` naming each bad field
 * (`request.size`, `key`, …) when it is not what `enqueuePictorJobs` writes.
 */
export function parsePictorJobData(data: unknown): PictorJobData {
  const parsed = pictorJobDataSchema.safeParse(data);
  if (parsed.success) return data as PictorJobData;
  const issues: FieldIssue[] = parsed.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: `unknown field ${key}` }));
    }
    return [{ field: path.join('.'), message: issue.message }];
  });
  throw new ValidationError(issues, 'job data');
}
