import { SetMetadata } from '@nestjs/common';

export const SPENDS_CREDITS = 'pictor-example:spends-credits';

/**
 * Marks a route that spends the provider's credits without being a POST (the `GET` event stream): the throttler
 * gives it the generations' budget, `THROTTLE_GENERATE_LIMIT`.
 */
export const SpendsCredits = () => SetMetadata(SPENDS_CREDITS, true);
