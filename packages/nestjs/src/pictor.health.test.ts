import 'reflect-metadata';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PictorHealthIndicator, PictorHealthModule } from './health.js';
import { PictorModule } from './index.js';

const API_KEY = 'nest-health-test-key-93ab';
const WRONG_KEY = 'nest-health-wrong-key-0c7d';
let sandbox: Sandbox;
let app: INestApplication | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly pictor: PictorHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.pictor.isHealthy('images'),
      () => this.pictor.isHealthy('gateway', { name: 'gateway' }),
    ]);
  }
}

async function boot(gatewayKey: string): Promise<string> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PictorModule.forRoot({ provider: 'together', apiKey: API_KEY, baseURL: sandbox.urls.together }),
      PictorModule.forRoot({
        name: 'gateway',
        provider: 'openai',
        apiKey: gatewayKey,
        baseURL: sandbox.urls.openai,
        maxRetries: 0,
      }),
      TerminusModule,
      PictorHealthModule,
    ],
    controllers: [HealthController],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return `${await app.getUrl()}/health`;
}

describe('PictorHealthIndicator', () => {
  it('reports every client up when its provider lists its models', async () => {
    const res = await fetch(await boot(API_KEY));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      info: Record<string, { status: string; provider: string; models: number }>;
    };
    expect(body.status).toBe('ok');
    expect(body.info.images).toMatchObject({ status: 'up', provider: 'together' });
    expect(body.info.gateway).toMatchObject({ status: 'up', provider: 'openai' });
    expect(body.info.images!.models).toBeGreaterThan(0);
  });

  it("reports a client down with the provider's refusal, never its key, and the check answers 503", async () => {
    const res = await fetch(await boot(WRONG_KEY));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain(WRONG_KEY);
    const body = JSON.parse(text) as {
      status: string;
      error: Record<string, { status: string; message: string }>;
      info: Record<string, unknown>;
    };
    expect(body.status).toBe('error');
    expect(body.info).toHaveProperty('images');
    expect(body.error.gateway?.status).toBe('down');
    expect(body.error.gateway?.message).toMatch(/^AuthenticationError: HTTP 401 \(request req_\w+\)$/);
  });

  it('reports a client down when the provider does not answer in time', async () => {
    const silent = createServer(() => {}); // accepts requests and never answers
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [
          PictorModule.forRoot({
            provider: 'custom',
            baseURL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`,
          }),
          PictorHealthModule,
        ],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      const result = await app.get(PictorHealthIndicator).isHealthy('pictor', { timeoutMs: 50 });
      expect(result.pictor).toMatchObject({ status: 'down', message: 'no list of models within 50 ms' });
    } finally {
      await app?.close();
      app = undefined;
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('names a client that was never registered', async () => {
    await boot(API_KEY);
    await expect(app!.get(PictorHealthIndicator).isHealthy('x', { name: 'missing' })).rejects.toThrow(
      /PictorService:missing/,
    );
  });
});
