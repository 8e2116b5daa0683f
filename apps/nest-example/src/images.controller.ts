import {
  Body,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  StreamableFile,
} from '@nestjs/common';
import { PictorService } from '@pictor/nestjs';
import { ClientGoneSignal } from './client-gone.decorator.js';
import { CreateImagesPipe, type CreateImagesBody } from './create-images.pipe.js';
import { ImageStore } from './image-store.js';

/** One generated image as `POST /images` describes it; its bytes are at `url`. */
export interface ImageSummary {
  id: string;
  url: string;
  index: number;
  width: number;
  height: number;
  seed: number | null;
  mediaType: string;
  sha256: string;
  byteLength: number;
}

@Controller('images')
export class ImagesController {
  constructor(
    private readonly pictor: PictorService,
    private readonly store: ImageStore,
  ) {}

  /** Generates images, keeps them in memory and answers where to fetch them. A caller that disconnects aborts it. */
  @Post()
  async create(@Body(CreateImagesPipe) body: CreateImagesBody, @ClientGoneSignal() signal: AbortSignal) {
    const result = await this.pictor.generate(body, { signal });
    const images: ImageSummary[] = result.images.map((image) => {
      const id = this.store.add(image);
      return {
        id,
        url: `/images/${id}`,
        index: image.index,
        width: image.width,
        height: image.height,
        seed: image.seed ?? null,
        mediaType: image.mediaType,
        sha256: image.sha256,
        byteLength: image.bytes.length,
      };
    });
    return {
      provider: result.provider,
      model: result.model,
      images,
      failures: result.failures.map((f) => ({ index: f.index, error: f.error.name, message: f.error.message })),
      warnings: result.warnings,
    };
  }

  /** The image's bytes with their sniffed media type. An id never changes its image, so it caches for good. */
  @Get(':id')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  read(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): StreamableFile {
    const image = this.store.get(id);
    if (!image) throw new NotFoundException(`No image ${id} (images are kept in memory and the oldest are dropped)`);
    return new StreamableFile(image.bytes, {
      type: image.mediaType,
      length: image.bytes.length,
      disposition: `inline; filename="${id}.${image.extension}"`,
    });
  }
}
