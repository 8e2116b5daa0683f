import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Sandbox } from '@pictor/sandbox';
import type { Env } from '../env.js';
import { bootstrap } from '../bootstrap.js';

/** Every line an app logs, whatever its level, kept in `lines`. */
export function captureLogs(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const logger = Object.fromEntries(
    ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'].map((level) => [
      level,
      (...parts: unknown[]) =>
        lines.push(`${level} ${parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ')}`),
    ]),
  ) as unknown as LoggerService;
  return { logger, lines };
}

/**
 * Boots the real app over HTTP on a free loopback port, talking to the sandbox's OpenAI stand-in with a GPT
 * image model (the models that edit and stream).
 */
export function bootOpenAiApp(
  sandbox: Sandbox,
  apiKey: string,
  logger: LoggerService,
  overrides: Env = {},
): Promise<INestApplication> {
  return bootstrap(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      PICTOR_PROVIDER: 'openai',
      PICTOR_BASE_URL: sandbox.urls.openai,
      PICTOR_API_KEY: apiKey,
      PICTOR_MODEL: 'gpt-image-1',
      PICTOR_MAX_RETRIES: '0',
      ...overrides,
    },
    { logger, abortOnError: false },
  );
}
