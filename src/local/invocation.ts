/**
 * The two ways a front door (the Invoke API, the API Gateway front) starts a function, so both
 * obey the same concurrency and async-queue rules.
 */
import type { AsyncInvoker } from './asyncInvoker.js';
import type { ResolvedInvocationTarget } from './functionRegistry.js';
import type { FunctionRuntime, InvocationResult } from './runtime.js';

export type SyncInvocation = { throttled: string } | { result: InvocationResult };

/**
 * A RequestResponse invocation on one unit of the function's concurrency, released when the runtime
 * returns, even if the caller stopped waiting. After the function's own timeout the runtime returns
 * at once while an in-process handler may still be running: from then on it no longer counts
 * against the reserved concurrency (it cannot be killed in-process). `throttled` carries the 429's Reason.
 */
export async function invokeWithConcurrency(
  runtime: FunctionRuntime,
  target: ResolvedInvocationTarget,
  call: { requestId: string; event: unknown; clientContext?: unknown },
): Promise<SyncInvocation> {
  const slot = runtime.reserve(target.fn);
  if (!slot.ok) return { throttled: slot.reason };
  try {
    const result = await runtime.invoke({
      fn: target.fn,
      executedVersion: target.executedVersion,
      invokedArn: target.invokedArn,
      requestId: call.requestId,
      event: call.event,
      ...(call.clientContext !== undefined && { clientContext: call.clientContext }),
    });
    return { result };
  } finally {
    runtime.release(target.fn);
  }
}

/** An Event invocation: accepted at once, run (and retried) by Lambda's internal queue. */
export function enqueueEvent(asyncInvoker: AsyncInvoker, target: ResolvedInvocationTarget, call: { requestId: string; event: unknown; body: string }): void {
  asyncInvoker.enqueue({
    requestId: call.requestId,
    fn: target.fn,
    executedVersion: target.executedVersion,
    invokedArn: target.invokedArn,
    event: call.event,
    body: call.body,
    receivedAt: Date.now(),
  });
}
