import { FileTypeValidator, Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationError, type FieldIssue } from '@pictor/core';

/** A file multer kept in memory. */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** The files of `POST /images/edits` as multer groups them by field. */
export interface EditUploadFiles {
  image?: UploadedFile[];
  mask?: UploadedFile[];
}

/**
 * The uploads as core's edit request takes them: bytes only. The client's file names are not passed on to the
 * provider; core names the parts itself.
 */
export interface EditUploads {
  images: Uint8Array[];
  mask?: Uint8Array;
}

/**
 * Checks the uploaded files by their content, not by the type the client declared (Nest's `FileTypeValidator`
 * reads their magic numbers): images must be PNG, JPEG or WebP, a mask PNG. Throws `ValidationError` naming the
 * field (`image`, `image[1]` for the second image, `mask`), answered as 400 before anything is sent to the provider.
 */
@Injectable()
export class UploadedImagesPipe implements PipeTransform<EditUploadFiles | undefined, Promise<EditUploads>> {
  private readonly image = new FileTypeValidator({ fileType: /^image\/(png|jpeg|webp)$/ });
  private readonly mask = new FileTypeValidator({ fileType: 'image/png' });

  async transform(files: EditUploadFiles | undefined): Promise<EditUploads> {
    const images = files?.image ?? [];
    const mask = files?.mask?.[0];
    const issues: FieldIssue[] = [];
    if (!images.length) issues.push({ field: 'image', message: 'is required: upload one or more image files' });
    for (const [index, file] of images.entries()) {
      if (!(await this.image.isValid(file)))
        issues.push({ field: `image[${index}]`, message: 'must be a PNG, JPEG or WebP image' });
    }
    if (mask && !(await this.mask.isValid(mask))) issues.push({ field: 'mask', message: 'must be a PNG image' });
    if (issues.length) throw new ValidationError(issues);
    return {
      images: images.map((file) => file.buffer),
      ...(mask && { mask: mask.buffer }),
    };
  }
}
