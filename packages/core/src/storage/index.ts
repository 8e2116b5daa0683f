// `@pictor/core/storage` (Node): images saved atomically, with the folder's manifest.
export { saveImages, type SaveOptions, type SaveResult, type SavedImage } from './save-images.js';
export { MANIFEST_FILE, readManifest, type Manifest, type ManifestEntry, type ManifestImage } from './manifest.js';
export { writeFileAtomic } from './write-file-atomic.js';
