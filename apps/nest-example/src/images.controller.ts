import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Sse,
  StreamableFile,
  UploadedFiles,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type MessageEvent,
} from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { PictorError } from '@pictor/core';
import { PictorService, type PictorStreamEvent } from '@pictor/nestjs';
import { catchError, defer, finalize, map, of, tap, type Observable } from 'rxjs';
import { ClientGoneSignal } from './client-gone.decorator.js';
import { CreateImagesPipe, type CreateImagesBody } from './create-images.pipe.js';
import { EditImagesPipe, renameUploadFields, type EditImagesBody } from './edit-images.pipe.js';
import { estimateResponse } from './estimate-response.js';
import { ImageStore } from './image-store.js';
import { imagesResponse, storeImage, type ImageSummary } from './images-response.js';
import { SameOriginGuard } from './same-origin.guard.js';
import { SpendsCredits } from './spends-credits.decorator.js';
import { stripControl } from './strip-control.js';
import { StreamQueryPipe, type StreamQuery } from './stream-query.pipe.js';
import { isOperatorConcern, toHttpError } from './to-http-error.js';
import { UploadExceptionFilter } from './upload-exception.filter.js';
import { EDIT_UPLOAD_FIELDS, EDIT_UPLOAD_OPTIONS } from './upload-limits.js';
import { UploadedImagesPipe, type EditUploads } from './uploaded-images.pipe.js';

@Controller('images')
export class ImagesController {
  private readonly logger = new Logger('Pictor');

  constructor(
    private readonly pictor: PictorService,
    private readonly store: ImageStore,
  ) {}

  /** Generates images, keeps them in memory and answers where to fetch them. A caller that disconnects aborts it. */
  @Post()
  async create(@Body(CreateImagesPipe) body: CreateImagesBody, @ClientGoneSignal() signal: AbortSignal) {
    const result = await this.pictor.generate(body, { signal });
    return imagesResponse(
      result,
      result.images.map((image) => storeImage(this.store, image)),
    );
  }

  /**
   * A dry run of `POST /images` with the same body: the calls it would make and their estimated cost, and the
   * app's budget (`PICTOR_MAX_COST`) as it stands. Nothing is sent to the provider; 200, since nothing is created.
   */
  @Post('estimate')
  @HttpCode(200)
  estimate(@Body(CreateImagesPipe) body: CreateImagesBody) {
    return estimateResponse(this.pictor.provider, this.pictor.estimateCost(body), this.pictor.budget);
  }

  /**
   * Edits uploaded images (`multipart/form-data`: one or more `image` files, an optional `mask`, the prompt and
   * settings as text fields) and answers like `POST /images`. multer's limits, the files' types and the fields
   * are checked before anything is sent to the provider.
   */
  @Post('edits')
  @UseGuards(SameOriginGuard)
  @UseInterceptors(FileFieldsInterceptor(EDIT_UPLOAD_FIELDS, EDIT_UPLOAD_OPTIONS))
  @UseFilters(UploadExceptionFilter)
  async edit(
    @UploadedFiles(UploadedImagesPipe) uploads: EditUploads,
    @Body(EditImagesPipe) body: EditImagesBody,
    @ClientGoneSignal() signal: AbortSignal,
  ) {
    const result = await this.pictor.edit({ ...body, ...uploads }, { signal }).catch(renameUploadFields);
    return imagesResponse(
      result,
      result.images.map((image) => storeImage(this.store, image)),
    );
  }

  /**
   * Server-sent events of one generation: `partial` previews (`{ index, partialIndex, mediaType, url }`, the
   * url a `data:` URL), each final `image` (as `POST /images` describes it) and `done` (the whole answer); an
   * `error` event (`{ statusCode, message }`) if the provider fails. A client that disconnects cancels it.
   * Declared before `:id`, which would otherwise take `stream` for an id.
   */
  @Sse('stream')
  @SpendsCredits()
  @UseGuards(SameOriginGuard)
  stream(@Query(StreamQueryPipe) query: StreamQuery): Observable<MessageEvent> {
    return defer(() => {
      const stored = new Map<number, ImageSummary>();
      let ended = false;
      return this.pictor.stream(query).pipe(
        map((event) => this.toMessage(event, stored)),
        catchError((error: unknown) => {
          if (!PictorError.isInstance(error)) throw error;
          const { status, body } = toHttpError(error);
          if (isOperatorConcern(status))
            this.logger.warn(`${status} after ${error.name}: ${stripControl(error.message)}`);
          return of<MessageEvent>({ type: 'error', data: body });
        }),
        tap({ complete: () => (ended = true), error: () => (ended = true) }),
        finalize(() => {
          if (!ended) this.logger.log('The client disconnected: its stream was cancelled');
        }),
      );
    });
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

  /** One event of the stream; final images are stored as they come, and `done` names them by the same ids. */
  private toMessage(event: PictorStreamEvent, stored: Map<number, ImageSummary>): MessageEvent {
    switch (event.type) {
      case 'partial': {
        const { index, partialIndex, mediaType, bytes } = event.partial;
        const url = `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`;
        return { type: 'partial', data: { index, partialIndex, mediaType, url } };
      }
      case 'image': {
        const summary = storeImage(this.store, event.image);
        stored.set(event.image.index, summary);
        return { type: 'image', data: summary };
      }
      case 'result': {
        const { result } = event;
        const images = result.images.map((image) => stored.get(image.index) ?? storeImage(this.store, image));
        return { type: 'done', data: imagesResponse(result, images) };
      }
    }
  }
}
