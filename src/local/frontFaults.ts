/**
 * How the HTTP fronts (the Invoke API, the API Gateway front, SQS) act out a fault drawn for one
 * request. The answers that need a front's own error shape (throttle, status) stay with the front;
 * what happens below HTTP (reset, hang, refuse) is the same everywhere and lives here.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FaultFront, FaultKind, FaultPlan } from './faults.js';

/** The kinds a front acts out itself (a function error happens in the runtime instead). */
const FRONT_KINDS: readonly FaultKind[] = ['latency', 'throttle', 'status', 'reset', 'hang', 'refuse'];

/**
 * Draws the front's faults for this request and waits out any latency drawn. Returns the fault
 * that decides the answer, if one fired.
 */
export async function drawFrontFault(plan: FaultPlan | undefined, front: FaultFront, functionName: string | undefined): Promise<Fault | undefined> {
  if (!plan) return undefined;
  const { latencyMs, fault } = plan.draw(front, functionName, FRONT_KINDS);
  if (latencyMs > 0) await sleep(latencyMs);
  return fault;
}

/**
 * Acts out the faults that break the exchange instead of answering it: reset (an RST, so the client
 * sees ECONNRESET), refuse (the connection closed before any answer), hang (held open, never
 * answered; the stack's stop closes it). True when the fault was one of those: the front must not answer.
 */
export function breakExchange(fault: Fault, req: IncomingMessage): boolean {
  switch (fault.kind) {
    case 'reset':
      req.socket.resetAndDestroy();
      return true;
    case 'refuse':
      req.socket.destroy();
      return true;
    case 'hang':
      // Keep reading (and discarding) whatever else the client sends, so it is never stuck on a write.
      req.resume();
      return true;
    default:
      return false;
  }
}

/** The message a faulted answer carries, so a user reading it knows the stack did it on purpose. */
export function faultMessage(fault: Fault): string {
  return `lambench local: injected fault '${fault.spec}'`;
}

/** Lambda's 429 Reason for a throttle fault: the function's reserved concurrency, or the account's. */
export function throttleReason(fault: Fault): string {
  return fault.functionName === undefined ? 'ConcurrentInvocationLimitExceeded' : 'ReservedFunctionConcurrentInvocationLimitExceeded';
}
