/** What a job returns (BullMQ stores it as the job's return value): the prompt's images in the output folder. */
export interface PictorJobResult {
  /** The manifest key. */
  key: string;
  /** True when the folder's manifest already held every image of this prompt: nothing was generated or paid. */
  skipped: boolean;
  /** The images, as the manifest records them (file names inside the output folder). */
  images: Array<{ file: string; sha256: string; width: number; height: number; mediaType: string }>;
  /** What this job's generation cost (null when skipped: it cost nothing now). */
  cost: { usd: number | null; basis: 'usage' | 'estimate' | 'unknown' } | null;
  /** Warnings the generation raised, as text. */
  warnings: string[];
}

/** What a job reports through `job.updateProgress` (and `QueueEvents`' `progress`). */
export type PictorJobProgress =
  { stage: 'generating' } | { stage: 'saved'; images: number } | { stage: 'skipped'; images: number };
