import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PictorHealthIndicator } from './pictor.health.js';

/**
 * Provides `PictorHealthIndicator` (import it from `@pictor/nestjs/health`, so apps without
 * `@nestjs/terminus` never load it). It checks any client registered with `PictorModule` in the app.
 */
@Module({
  imports: [TerminusModule],
  providers: [PictorHealthIndicator],
  exports: [PictorHealthIndicator],
})
export class PictorHealthModule {}
