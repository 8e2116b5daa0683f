import { ConfigModule } from '@nestjs/config';
import type { Env } from './env.js';

/** Only `env` is read: tests and main.ts say exactly which environment the app sees. */
export function configFrom(env: Env): ReturnType<typeof ConfigModule.forRoot> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    validatePredefined: false,
    skipProcessEnv: true,
    load: [() => ({ ...env })],
  });
}
