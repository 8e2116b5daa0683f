import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server.js';

/** Sends one inline command and returns the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      resolve(data.toString().split('\r\n')[0] ?? '');
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('startRedisServer', () => {
  it('starts a real redis-server on loopback and stops it', async () => {
    const redis = await startRedisServer();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toBe('+PONG');
    expect(await command(redis.port, 'CONFIG GET save')).toBe('*2');
    await redis.stop();
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('starts two servers side by side', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    expect(a.port).not.toBe(b.port);
    await command(a.port, 'SET k a');
    expect(await command(b.port, 'EXISTS k')).toBe(':0');
    await Promise.all([a.stop(), b.stop()]);
  });
});
