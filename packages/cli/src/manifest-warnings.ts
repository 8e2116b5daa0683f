import type { ManifestWarning } from '@pictor/core/storage';
import type { Terminal } from './terminal.js';

/**
 * Shows each manifest entry core left out once per command, though a command may read the manifest twice
 * (`batch --gallery` resumes, then writes the gallery).
 */
export function manifestWarner(term: Terminal): (warning: ManifestWarning) => void {
  const told = new Set<string>();
  return (warning) => {
    const id = `${warning.key}\n${warning.file}`;
    if (told.has(id)) return;
    told.add(id);
    term.warn(warning.message);
  };
}
