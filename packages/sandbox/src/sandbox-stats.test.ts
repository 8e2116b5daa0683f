import { describe, expect, it } from 'vitest';
import { getJson, postJson } from './__fixtures__/http.js';
import { startSandbox } from './start-sandbox.js';

describe('the fault log', () => {
  it('keeps the newest faultLogLimit entries and counts the ones it dropped; the counters keep counting', async () => {
    const sandbox = await startSandbox({ faultLogLimit: 3 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await postJson(
          `${sandbox.urls.openai}/images/generations`,
          {},
          { 'x-sandbox-fault': 'server-error' },
        );
        expect(res.status).toBe(500);
        ids.push(res.headers.get('x-request-id') ?? '');
      }
      expect(sandbox.stats.faults['server-error']).toBe(5);
      expect(sandbox.stats.faultLog.map((e) => e.requestId)).toEqual(ids.slice(2));
      expect(sandbox.stats.faultLogDropped).toBe(2);
      const overHttp = await getJson(`${sandbox.url}/_sandbox/stats`, {});
      expect(overHttp.json).toMatchObject({
        faultLogDropped: 2,
        faultLog: [{ requestId: ids[2] }, { requestId: ids[3] }, { requestId: ids[4] }],
      });
      sandbox.stats.reset();
      expect([sandbox.stats.faultLog.length, sandbox.stats.faultLogDropped]).toEqual([0, 0]);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a limit that is not a whole number', async () => {
    await expect(startSandbox({ faultLogLimit: -1 })).rejects.toThrow(/faultLogLimit/);
    await expect(startSandbox({ faultLogLimit: 1.5 })).rejects.toThrow(/faultLogLimit/);
  });
});
