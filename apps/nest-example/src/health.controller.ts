import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { PictorHealthIndicator } from '@pictor/nestjs/health';
import { Public } from './api-key.guard.js';

/** Open without the app's API key, so load balancers and orchestrators can probe it (it is still throttled). */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pictor: PictorHealthIndicator,
  ) {}

  /** 200 when the image provider lists its models with the configured key, 503 otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.pictor.isHealthy('pictor')]);
  }
}
