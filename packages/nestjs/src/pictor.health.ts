import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AbortError, APIError, PictorError } from '@pictor/core';
import { getPictorToken } from './get-pictor-token.js';
import type { PictorService } from './pictor.service.js';

export interface PictorHealthCheckOptions {
  /** Which client to check (default: the unnamed one). */
  name?: string;
  /** How long the provider may take to list its models. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * A `@nestjs/terminus` health indicator: a client is up when its provider lists its models
 * (`GET /models`, with the configured key), down with a short reason otherwise (never the key).
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.pictor.isHealthy('pictor')]); }
 * ```
 */
@Injectable()
export class PictorHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async isHealthy<const Key extends string>(
    key: Key,
    options: PictorHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const pictor = this.moduleRef.get<PictorService>(getPictorToken(options.name), { strict: false });
    const timeoutMs = options.timeoutMs ?? 5000;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const models = await pictor.models({ signal });
      return session.up({ provider: pictor.provider, models: models.length });
    } catch (error) {
      return session.down({
        provider: pictor.provider,
        message: describeFailure(error, signal.aborted ? timeoutMs : undefined),
      });
    }
  }
}

/**
 * Why the check failed, short enough for a public health endpoint: a refusal by its status and request id only
 * (providers echo parts of the key in their messages), a transport failure by its message.
 */
function describeFailure(error: unknown, timedOutAfterMs: number | undefined): string {
  if (AbortError.isInstance(error) && timedOutAfterMs !== undefined)
    return `no list of models within ${timedOutAfterMs} ms`;
  if (APIError.isInstance(error))
    return `${error.name}: HTTP ${error.status}${error.requestId ? ` (request ${error.requestId})` : ''}`;
  if (PictorError.isInstance(error)) return `${error.name}: ${error.message}`;
  return 'the models request failed';
}
