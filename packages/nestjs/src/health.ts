export { PictorHealthModule } from './pictor-health.module.js';
export { PictorHealthIndicator, type PictorHealthCheckOptions } from './pictor.health.js';
