import type { ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readFolderFile } from '@pictor/core/storage';
import { PictorJobsService } from '@pictor/nestjs/queue';
import { CreateImagesPipe, type CreateImagesBody } from './create-images.pipe.js';
import { DEFAULT_JOBS_OUT_DIR } from './jobs-options.js';
import { jobResponse } from './jobs-response.js';

/** A job id as `@pictor/queue` makes them: `pictor-` and the request's manifest key. */
const JOB_ID = /^pictor-[0-9a-f]{64}$/;

/**
 * Generation as jobs on Redis (enabled by `PICTOR_REDIS_URL`): `POST /jobs` queues a request and answers at once,
 * a worker (this process, or worker processes on the same Redis) generates it and saves the images in its
 * `JOBS_OUT_DIR`, and `GET /jobs/:id` tells how it went. The same request twice is one job, generated once.
 */
@Controller('jobs')
export class JobsController {
  private readonly outDir: string;

  constructor(
    private readonly jobs: PictorJobsService,
    config: ConfigService,
  ) {
    this.outDir = config.get<string>('JOBS_OUT_DIR')?.trim() || DEFAULT_JOBS_OUT_DIR;
  }

  /** Queues the request (the body of `POST /images`): 202 with its job's id and a `Location` to poll. */
  @Post()
  @HttpCode(202)
  async create(@Body(CreateImagesPipe) body: CreateImagesBody, @Res({ passthrough: true }) res: ServerResponse) {
    const { id, existing } = await this.jobs.enqueue(body);
    res.setHeader('Location', `/jobs/${id}`);
    return { id, existing, url: `/jobs/${id}` };
  }

  /** The job's state, its stage, and once completed its images (404 for an id no job has). */
  @Get(':id')
  @Header('Cache-Control', 'no-store')
  async read(@Param('id') id: string) {
    const job = JOB_ID.test(id) ? await this.jobs.get(id) : undefined;
    if (!job) throw new NotFoundException(`No job ${JOB_ID.test(id) ? id : '(not a job id)'}`);
    return jobResponse(job);
  }

  /**
   * An image of a completed job, read from this process's `JOBS_OUT_DIR`: the workers' folder when they share it
   * (the same machine, or a shared volume); 404 when the file is not there.
   */
  @Get(':id/images/:index')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  async image(@Param('id') id: string, @Param('index', ParseIntPipe) index: number): Promise<StreamableFile> {
    const job = JOB_ID.test(id) ? await this.jobs.get(id) : undefined;
    const image = job?.result?.images[index];
    const bytes = image && (await readFolderFile(this.outDir, image.file));
    if (!image || !bytes)
      throw new NotFoundException(
        `No image ${index} of job ${JOB_ID.test(id) ? id : '(not a job id)'} in this process's folder`,
      );
    return new StreamableFile(bytes, {
      type: image.mediaType,
      length: bytes.length,
      disposition: `inline; filename="${image.file}"`,
    });
  }
}
