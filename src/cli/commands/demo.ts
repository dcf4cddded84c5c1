/**
 * `lambench demo`: the main job on a machine with no AWS account. Starts the local stack
 * in-process and shows, on the sample `square` function, a synchronous call, an async call whose
 * completion is then found on the destination queue, a failing async call retried into the
 * failure destination, a dry run, an async call through the API Gateway front found again by
 * lambench's client request ID, and the main job: sync against async benchmarked side by side,
 * with every async event accounted for.
 */
import { CallFailedError } from '../../errors.js';
import { invokeOnce, type InvokeResultDocument } from '../../targets/invokeOnce.js';
import { formatMs, renderInvoke } from '../render/invokeText.js';
import { styleFor } from '../style.js';

export async function demoCommand(): Promise<void> {
  const style = styleFor(process.stdout);
  const out = (text: string) => process.stdout.write(text);
  const { startLocalStack } = await import('../../local/index.js');
  const stack = await startLocalStack({});
  try {
    // The demo talks only to its own stack: none of the user's AWS settings may leak in.
    for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN']) delete process.env[key];
    Object.assign(process.env, stack.env);
    out(`${style.bold('lambench demo')}: a local Lambda (${stack.lambdaUrl}), API Gateway (${stack.apiUrl}) and SQS (${stack.sqsUrl}) on 127.0.0.1\n\n`);
    const queues = { destinationQueue: stack.queues['lambench-success']!, dlq: stack.queues['lambench-dlq']! };
    const failureQueue = stack.queues['lambench-failure']!;
    const call = async (title: string, options: Omit<Parameters<typeof invokeOnce>[0], 'note'>): Promise<InvokeResultDocument> => {
      out(`${style.dim(`── ${title}`)}\n$ lambench invoke ${describeFlags(options)}\n`);
      const { document, target } = await invokeOnce({ ...options, endpointUrl: stack.lambdaUrl, note: () => {} });
      await target.close();
      out(`${renderInvoke(document, style)}\n`);
      return document;
    };

    const sync = await call('1. synchronous (RequestResponse): the caller waits for the result', {
      target: 'square', payload: '{"number": 7}', logType: 'Tail',
    });
    const accepted = await call('2. asynchronous (Event): Lambda answers 202 at once; the result goes to the success destination', {
      target: 'square', type: 'event', payload: '{"number": 8}', wait: { destinationQueue: queues.destinationQueue, timeoutMs: 15_000 },
    });
    const failing = await call('3. an async event that fails: retried twice, then recorded in the failure destination', {
      target: 'flaky', type: 'event', payload: '{"fail": true}', wait: { destinationQueue: failureQueue, timeoutMs: 15_000 },
    });
    const dryRun = await call('4. dry run: checks the call would be allowed, runs nothing', { target: 'square', type: 'dry-run' });
    const viaGateway = await call(
      "5. async through API Gateway (seed 000: meta.async in the body): the gateway's request ID is not Lambda's, so lambench's client request ID finds the completion",
      { target: `${stack.apiUrl}/run`, type: 'event', asyncVia: 'body', payload: '{"number": 9}', wait: { destinationQueue: queues.destinationQueue, timeoutMs: 15_000 } },
    );

    out(`${style.dim('── 6. the main job: benchmark sync against async on square, open loop 50 calls/s for 2 s each, every async event accounted for')}\n`);
    out(`$ lambench bench square --type sync,async --rate 50 --duration 2s --verify-delivery --destination-queue <lambench-success> --dlq <lambench-dlq>\n`);
    const { runBench } = await import('../../load/runBench.js');
    const { renderReportTable } = await import('../../report/table.js');
    const report = await runBench({
      target: 'square',
      payload: '{"number": 12}',
      endpointUrl: stack.lambdaUrl,
      types: 'sync,async',
      rate: 50,
      durationMs: 2000,
      verifyDelivery: true,
      destinationQueue: queues.destinationQueue,
      dlq: queues.dlq,
      settleMs: 15_000,
      note: () => {},
    });
    out(`${renderReportTable(report)}\n`);
    const benchDelivery = report.phases[1]?.delivery;

    out(`${style.bold('In short')}: sync answered in ${formatMs(sync.latencyMs)} with the result; async was accepted in ${formatMs(accepted.latencyMs)}`);
    out(accepted.completion ? `, and its completion record proves it ran (${accepted.completion.condition}, ${accepted.completion.attempts} attempt).\n` : ', but no completion record arrived.\n');
    if (viaGateway.completion) {
      out(`Through API Gateway the event was accepted with ${viaGateway.statusCode} (not 202) and completed ${formatMs(viaGateway.endToEndMs ?? 0)} after the send.\n`);
    }
    out(style.dim('Next: `lambench local` keeps this stack running for your own calls; see README.md.\n'));
    // The demo exits 1 when what it shows did not happen, like any other check.
    const failed = [
      (sync.payload as { square?: number } | undefined)?.square !== 49 && 'the sync call did not return {"square": 49}',
      accepted.completion?.condition !== 'Success' && 'the async call has no Success record',
      (failing.completion?.condition !== 'RetriesExhausted' || failing.completion.attempts !== 3) && 'the failing event was not retried into the failure destination',
      dryRun.statusCode !== 204 && 'the dry run did not answer 204',
      viaGateway.completion?.condition !== 'Success' && 'the event through API Gateway has no Success record',
      (!benchDelivery || benchDelivery.succeeded !== benchDelivery.accepted || benchDelivery.accepted === 0) && 'the benchmark did not account for every async event',
    ].filter((problem): problem is string => typeof problem === 'string');
    if (failed.length > 0) throw new CallFailedError(`the demo did not go as expected: ${failed.join('; ')}`);
  } finally {
    await stack.stop();
  }
}

function describeFlags(options: Omit<Parameters<typeof invokeOnce>[0], 'note'>): string {
  const parts = [options.target];
  if (options.type) parts.push(`--type ${options.type}`);
  if (options.payload) parts.push(`--payload '${options.payload}'`);
  if (options.logType) parts.push(`--log-type ${options.logType}`);
  if (options.asyncVia) parts.push(`--async-via ${options.asyncVia}`);
  if (options.wait) parts.push(`--wait --destination-queue <${options.wait.destinationQueue?.split('/').pop()}>`);
  return parts.join(' ');
}
