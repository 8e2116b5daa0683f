import { Logger, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, type Env } from './app.module.js';

/** Creates the app from `env`, closes it cleanly on SIGTERM/SIGINT and listens on `PORT` (default 3000). */
export async function bootstrap(env: Env, options: NestApplicationOptions = {}): Promise<INestApplication> {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const app = await NestFactory.create(AppModule.forRoot(env), options);
  app.enableShutdownHooks();
  await app.listen(port, env.HOST ?? '0.0.0.0');
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()}`);
  return app;
}
