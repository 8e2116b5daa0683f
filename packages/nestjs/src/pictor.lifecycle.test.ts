import 'reflect-metadata';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getPictorToken, PictorModule, PictorService } from './index.js';

// A provider stand-in that keeps idle connections open for a minute, as real providers' load balancers do:
// only the client closing its pool ends them.
let server: Server;
let baseURL: string;
const open = new Set<Socket>();

beforeAll(async () => {
  server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-image-1', object: 'model' }] }));
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

/** Resolves once every connection to the stand-in has closed; rejects if any is still open after 5 s. */
function allConnectionsClosed(): Promise<void> {
  const closed = Promise.all([...open].map((socket) => once(socket, 'close')));
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${open.size} connection(s) still open after app.close()`)), 5000);
  });
  return Promise.race([closed, stuck]).then(() => clearTimeout(timer));
}

it('closes every client connection pool when the application shuts down', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PictorModule.forRoot({ provider: 'custom', baseURL, apiKey: 'lifecycle-key' }),
      PictorModule.forRoot({ name: 'gateway', provider: 'custom', baseURL, apiKey: 'lifecycle-key' }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();

  await app.get(PictorService).models({ imageOnly: false });
  await app.get<PictorService>(getPictorToken('gateway')).models({ imageOnly: false });
  // keep-alive: both pools hold their connection after the calls
  expect(open.size).toBe(2);

  await app.close();
  await allConnectionsClosed();
  expect(open.size).toBe(0);
});
