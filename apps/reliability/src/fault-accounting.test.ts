import type { FaultLogEntry } from '@pictor/sandbox';
import { describe, expect, it } from 'vitest';
import { accountFaults, ObservationLedger } from './fault-accounting.ts';

const post = (requestId?: string) => ({
  method: 'POST',
  path: '/v1/images/generations',
  ...(requestId ? { requestId } : {}),
});
const fault = (requestId: string, name: FaultLogEntry['fault']): FaultLogEntry => ({
  requestId,
  fault: name,
  provider: 'together',
  at: 0,
});

describe('fault accounting', () => {
  it('matches retries by attempt and final errors by the last attempt, through request ids', () => {
    const ledger = new ObservationLedger();
    ledger.add({ exchanges: [post('a'), post('b')], retries: [{ attempt: 1, errorClass: 'RateLimitError' }] });
    ledger.add({ exchanges: [post('c')], retries: [], finalError: 'QuotaExceededError' });
    ledger.add({
      exchanges: [post('d'), { method: 'GET', path: '/files/x.png', status: 403 }],
      retries: [],
      finalError: 'DownloadError',
    });
    const account = accountFaults([fault('a', 'rate-limit'), fault('c', 'quota'), fault('d', 'expired-url')], ledger);
    expect(account).toMatchObject({ injected: 3, accounted: 3, unaccounted: 0, unexplainedObservations: 0 });
    expect(account.byFault['rate-limit']).toMatchObject({ retried: 1, typedFinal: 0 });
    expect(account.byFault.quota).toMatchObject({ retried: 0, typedFinal: 1 });
    expect(ledger.inconsistentTasks).toBe(0);
  });

  it('refuses a fault met by the wrong class, or not met at all', () => {
    const ledger = new ObservationLedger();
    ledger.add({ exchanges: [post('a'), post('b')], retries: [{ attempt: 1, errorClass: 'ConnectionError' }] });
    ledger.add({ exchanges: [post('c')], retries: [] });
    const account = accountFaults([fault('a', 'server-error'), fault('c', 'reset')], ledger);
    expect(account).toMatchObject({ injected: 2, accounted: 0, unaccounted: 2 });
    expect(account.examples[0]).toContain('expected InternalServerError');
    expect(account.examples[1]).toContain('saw no failure');
  });

  it('matches faults whose headers never reached the client by count, once each', () => {
    const ledger = new ObservationLedger();
    ledger.add({ exchanges: [post(), post('b')], retries: [{ attempt: 1, errorClass: 'TimeoutError' }] });
    const account = accountFaults([fault('x', 'slow-headers'), fault('y', 'slow-headers')], ledger);
    expect(account.byFault['slow-headers']).toMatchObject({ injected: 2, retried: 1, byCount: 1, unaccounted: 1 });
  });

  it('flags a task whose retry events do not match its attempts', () => {
    const ledger = new ObservationLedger();
    ledger.add({ exchanges: [post('a')], retries: [{ attempt: 1, errorClass: 'RateLimitError' }] });
    expect(ledger.inconsistentTasks).toBe(1);
  });
});
