import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultPlan, type FaultPlan } from '../fault-plan.js';
import { readBody, sendJson } from '../http-helpers.js';
import type { SandboxStats } from '../sandbox-stats.js';

/** What the control routes act on. */
export interface ControlTarget {
  stats: SandboxStats;
  setFaults(plan: FaultPlan | undefined): void;
}

/**
 * Control routes for tests in another process (no auth):
 * `GET /_sandbox/stats`, `POST /_sandbox/stats/reset`, `PUT /_sandbox/faults` (a plan) and `DELETE /_sandbox/faults`.
 */
export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/_sandbox/stats' && method === 'GET') return sendJson(res, 200, target.stats);
  if (path === '/_sandbox/stats/reset' && method === 'POST') {
    target.stats.reset();
    return sendJson(res, 200, target.stats);
  }
  if (path === '/_sandbox/faults' && (method === 'PUT' || method === 'POST')) {
    let plan: FaultPlan;
    try {
      plan = parseFaultPlan(JSON.parse((await readBody(req, 1 << 20)).toString('utf8')));
    } catch (error) {
      return sendJson(res, 400, { error: { message: (error as Error).message, type: 'invalid_request_error' } });
    }
    target.setFaults(plan);
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/_sandbox/faults' && method === 'DELETE') {
    target.setFaults(undefined);
    return sendJson(res, 200, { ok: true });
  }
  return sendJson(res, 404, { error: { message: `Unknown control route ${method} ${path}`, type: 'invalid_request_error' } });
}
