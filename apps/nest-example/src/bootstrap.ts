import { Logger, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import type { Env } from './env.js';
import { cleanLogger } from './clean-logger.js';
import { jsonOnly } from './json-only.middleware.js';
import { listenAddressFrom } from './listen-address.js';
import { loopbackHostOnly } from './loopback-host-only.middleware.js';
import { noSniff } from './no-sniff.middleware.js';
import { noStreamReconnect } from './no-stream-reconnect.middleware.js';

/**
 * Creates the app from `env`, closes it cleanly on SIGTERM/SIGINT and listens on `HOST` (default 127.0.0.1) and
 * `PORT` (default 3000). Without `APP_API_KEY` it refuses to start beyond loopback and answers only requests
 * addressed to a loopback name. Only JSON bodies (and the edit's upload) are read; a reconnecting event stream
 * gets 204; every answer carries `X-Content-Type-Options: nosniff`
 * and no `X-Powered-By`; every log line is cleaned of control characters and escape sequences.
 */
export async function bootstrap(env: Env, options: NestApplicationOptions = {}): Promise<INestApplication> {
  const { host, port, keyed } = listenAddressFrom(env);
  const logger = cleanLogger(options.logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    ...options,
    logger,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.use(noSniff);
  if (!keyed) app.use(loopbackHostOnly);
  app.use(jsonOnly);
  app.use(noStreamReconnect);
  app.useBodyParser('json');
  app.enableShutdownHooks();
  await app.listen(port, host);
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()}`);
  return app;
}
