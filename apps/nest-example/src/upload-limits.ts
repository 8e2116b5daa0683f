import type { FileFieldsInterceptor, MulterModuleOptions } from '@nestjs/platform-express';

/** Most images one edit may upload (the GPT image models take up to 16; memory is the app's). */
export const MAX_EDIT_IMAGES = 4;
/** Largest file an edit may upload: each image and the mask. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The text fields of an edit, and the longest each may be (a prompt is at most 32,000 characters). */
export const MAX_TEXT_FIELDS = 8;
export const MAX_TEXT_FIELD_BYTES = 128 * 1024;

/** The file fields of `POST /images/edits`: `image` (repeated for several) and an optional `mask`. */
export const EDIT_UPLOAD_FIELDS: Parameters<typeof FileFieldsInterceptor>[0] = [
  { name: 'image', maxCount: MAX_EDIT_IMAGES },
  { name: 'mask', maxCount: 1 },
];

/**
 * multer's limits for the edit upload: files stay in memory, and a file over `MAX_UPLOAD_BYTES` stops the
 * upload as soon as its bytes pass the limit (413), before the rest is read or anything is sent to the provider.
 */
export const EDIT_UPLOAD_OPTIONS: MulterModuleOptions = {
  limits: {
    fileSize: MAX_UPLOAD_BYTES,
    files: MAX_EDIT_IMAGES + 1,
    fields: MAX_TEXT_FIELDS,
    fieldSize: MAX_TEXT_FIELD_BYTES,
    parts: MAX_EDIT_IMAGES + 1 + MAX_TEXT_FIELDS,
  },
};
