import { Inject } from '@nestjs/common';
import { getPictorToken } from './get-pictor-token.js';

/**
 * Injects a named client registered with `PictorModule.forRoot({ name, … })`; without a name, the default one
 * (the same as a constructor parameter typed `PictorService`).
 *
 * ```ts
 * constructor(@InjectPictor('gateway') private readonly gateway: PictorService) {}
 * ```
 */
export const InjectPictor = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getPictorToken(name));
