import { DEFAULT_PICTOR_NAME } from './pictor.constants.js';
import { PictorService } from './pictor.service.js';

/**
 * The injection token of a client: `PictorService` itself for the default one, `PictorService:<name>` for a
 * named one (for `moduleRef.get(getPictorToken('gateway'))` or `Test.overrideProvider`).
 */
export function getPictorToken(name: string = DEFAULT_PICTOR_NAME): typeof PictorService | string {
  return name === DEFAULT_PICTOR_NAME ? PictorService : `PictorService:${name}`;
}
