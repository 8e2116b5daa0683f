import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Terminal } from './terminal.js';

function terminal() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const term = new Terminal(stdout as unknown as NodeJS.WriteStream, stderr as unknown as NodeJS.WriteStream);
  const read = (stream: PassThrough): string => String(stream.read() ?? '');
  return { term, out: () => read(stdout), err: () => read(stderr) };
}

describe('Terminal', () => {
  it('prints no escape sequence or control character from provider or file text, on either stream', () => {
    const { term, out, err } = terminal();
    const hostile = 'overloaded\x1b[2J\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\rspoof\x08!';
    term.warn(hostile);
    term.out(hostile);
    expect(err()).toBe('pictor: warning: overloadedlink\nspoof!\n');
    expect(out()).toBe('overloadedlink\nspoof!\n');
  });

  it('redacts a secret that escape sequences split apart (stripped first, then redacted)', () => {
    const { term, err } = terminal();
    term.addSecret('sk-secret-1234');
    term.error('bad key sk-secret\x1b[0m-1234');
    expect(err()).toBe('pictor: error: bad key [redacted]\n');
  });
});
