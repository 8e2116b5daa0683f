// `@pictor/core/storage` (Node): images saved atomically, with the folder's manifest.
export { saveImages, type SaveOptions, type SaveResult, type SavedImage } from './save-images.js';
export {
  MANIFEST_FILE,
  readManifest,
  requestKey,
  findCompleteEntry,
  type Manifest,
  type ManifestEntry,
  type ManifestImage,
  type ManifestWarning,
  type ReadManifestOptions,
} from './manifest.js';
export { isPlainFileName } from './manifest-schema.js';
export { readFolderFile, statFolderFile } from './folder-file.js';
export { writeFileAtomic } from './write-file-atomic.js';
export {
  mergeManifests,
  type MergeManifestsOptions,
  type MergeReport,
  type MergedEntry,
  type SkippedEntry,
  type MergeConflict,
  type ConflictSide,
  type MergeProblem,
} from './merge-manifests.js';
