import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlRefusal } from '../control-guard.js';
import { parseFaultPlan, type FaultPlan } from '../fault-plan.js';
import { BodyTooLargeError, readBody, sendJson } from '../http-helpers.js';
import type { SandboxStats } from '../sandbox-stats.js';

/** What the control routes act on, and the checks in front of them. */
export interface ControlTarget {
  stats: SandboxStats;
  setFaults(plan: FaultPlan | undefined): void;
  /** Refuses foreign Hosts and Origins, a missing or wrong key, a body that is not JSON (see `control-guard.ts`). */
  guard(req: IncomingMessage, authority?: string): ControlRefusal | undefined;
}

const MAX_PLAN_BYTES = 1 << 20;

function sendControlError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, code } }, headers);
}

/**
 * Control routes for tests in another process: `GET /_sandbox/stats`, `POST /_sandbox/stats/reset`,
 * `PUT /_sandbox/faults` (a plan) and `DELETE /_sandbox/faults`. Only for requests addressed to the sandbox's own
 * name, from no other origin, with a JSON body if any, and with the key when one is set.
 */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  authority?: string,
): Promise<void> {
  const refusal = target.guard(req, authority);
  if (refusal)
    return sendControlError(res, refusal.status, refusal.message, refusal.type, refusal.code, refusal.headers);
  const method = req.method ?? 'GET';
  if (path === '/_sandbox/stats' && method === 'GET') return sendJson(res, 200, target.stats);
  if (path === '/_sandbox/stats/reset' && method === 'POST') {
    target.stats.reset();
    return sendJson(res, 200, target.stats);
  }
  if (path === '/_sandbox/faults' && (method === 'PUT' || method === 'POST')) {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_PLAN_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendControlError(
          res,
          413,
          `The fault plan is over ${MAX_PLAN_BYTES} bytes.`,
          'invalid_request_error',
          'request_too_large',
        );
      }
      return void res.destroy(); // the client went away mid-body
    }
    let plan: FaultPlan;
    try {
      plan = parseFaultPlan(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      const message =
        error instanceof SyntaxError ? `The fault plan is not valid JSON: ${error.message}` : (error as Error).message;
      return sendControlError(res, 400, message, 'invalid_request_error', 'invalid_fault_plan');
    }
    target.setFaults(plan);
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/_sandbox/faults' && method === 'DELETE') {
    target.setFaults(undefined);
    return sendJson(res, 200, { ok: true });
  }
  return sendControlError(res, 404, `Unknown control route ${method} ${path}`, 'invalid_request_error', 'not_found');
}
