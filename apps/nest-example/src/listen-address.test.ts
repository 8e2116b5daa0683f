import { describe, expect, it } from 'vitest';
import { isLoopback, listenAddressFrom } from './listen-address.js';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1', 'localhost', 'LocalHost'])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.7', '::ffff:10.0.0.7', '128.0.0.1', 'localhost.evil.example', 'example.com', ''])(
    '%s is not',
    (host) => {
      expect(isLoopback(host)).toBe(false);
    },
  );
});

describe('listenAddressFrom', () => {
  it('defaults to 127.0.0.1:3000 without a key', () => {
    expect(listenAddressFrom({})).toEqual({ host: '127.0.0.1', port: 3000, loopback: true, keyed: false });
  });

  it('listens beyond loopback with a key', () => {
    expect(listenAddressFrom({ HOST: '0.0.0.0', PORT: '8080', APP_API_KEY: 'k'.repeat(16) })).toEqual({
      host: '0.0.0.0',
      port: 8080,
      loopback: false,
      keyed: true,
    });
  });

  it('names every bad variable at once and echoes none of their values', () => {
    const attempt = () => listenAddressFrom({ HOST: '::', PORT: 'sk-secret-port', APP_API_KEY: '   ' });
    expect(attempt).toThrow(
      /PORT: must be a port number.*APP_API_KEY: is required when HOST is not a loopback address/,
    );
    expect(attempt).not.toThrow(/sk-secret/);
  });
});
