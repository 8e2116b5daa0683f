// `@pictor/core/batch` (Node): batch files (JSONL, YAML, text) and resumable runs into one folder.
export { parseBatchFile, batchFormatOf, type BatchJob, type BatchFormat } from './parse-batch-file.js';
export { runBatch, type RunBatchOptions, type BatchReport, type BatchEvent, type BatchOutcome } from './run-batch.js';
export type { ManifestWarning } from '../storage/manifest.js';
export { parseShard, inShard, jobsInShard, type Shard, type JobsInShardOptions } from './shard.js';
