/** Something the caller should know that did not stop the generation. */
export type PictorWarning =
  | {
      /** A setting the target does not accept: it was not sent. */
      type: 'unsupported-setting';
      setting: string;
      details: string;
    }
  | {
      /** The provider (or the download) declared one media type and the bytes are another. */
      type: 'media-type-mismatch';
      index: number;
      declared: string;
      actual: string;
    }
  | { type: 'other'; message: string };
