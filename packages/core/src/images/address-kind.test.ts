import { describe, expect, it } from 'vitest';
import { addressKind, internalNameKind } from './address-kind.js';

describe('addressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'private (unique local)'],
    ['fc00::1', 'private (unique local)'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved (IETF protocol assignments, Teredo)'],
  ])('%s is %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '[2a00:1450:4001:82a::200e]',
    '2002:5db8:d822::',
  ])('%s is public', (ip) => {
    expect(addressKind(ip)).toBe('public');
  });

  it.each(['example.com', '1.2.3', '256.1.1.1', '1:2:3', '::1::', '12345::', 'g::1', ''])(
    '%s is no address',
    (text) => {
      expect(addressKind(text)).toBeUndefined();
    },
  );
});

describe('internalNameKind', () => {
  it.each([
    'localhost',
    'LOCALHOST.',
    'api.localhost',
    'printer.local',
    'metadata.google.internal',
    'nas.home.arpa',
    'metadata',
  ])('%s is internal', (name) => {
    expect(internalNameKind(name)).toBeDefined();
  });
  it.each(['example.com', 'images.together.ai', 'cdn.openai.com'])('%s is not', (name) => {
    expect(internalNameKind(name)).toBeUndefined();
  });
});
