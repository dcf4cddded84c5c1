/**
 * `lambench demo`: the main job on a machine with no AWS account. Starts the local stack
 * in-process and shows, on the sample `square` function, a synchronous call, an async call whose
 * completion is then found on the destination queue, a failing async call retried into the
 * failure destination, a dry run, an async call through the API Gateway front found again by
 * lambench's client request ID; then poll-based invocation: the shipped orders-queue profile, messages
 * to an SQS queue that an event source mapping reads, each one processed, dead-lettered or still in
 * the queue; and the main job: the shipped sync-vs-async profile benchmarked side by side, every
 * async event accounted for, written to report.json and report.html.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallFailedError, InterruptedError } from '../../errors.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { listenForInterrupts } from '../interrupts.js';
import { useLocalStackEnvironment } from '../awsEnvironment.js';
import { invokeOnce, type InvokeResultDocument } from '../../run/invokeOnce.js';
import { renderInvoke } from '../render/invokeText.js';
import { formatLatencyMs } from '../../latencyText.js';
import { checkOutputs, type ReportOutputArgs } from '../reportOutput.js';
import { styleFor } from '../style.js';

/** A scenario the demo runs: shipped with the package, beside dist/. */
const shippedProfile = (name: string) => fileURLToPath(new URL(`../../../../profiles/${name}`, import.meta.url));
/** The main job's. */
const DEMO_PROFILE = 'square-sync-vs-async.yaml';
/** Poll-based invocation's: the local stack's lambench-orders wiring. */
const QUEUE_PROFILE = 'orders-queue.yaml';

export interface DemoArgs {
  /** Folder for report.json and report.html (default: the working directory). */
  outDir?: string;
}

export async function demoCommand(args: DemoArgs = {}): Promise<void> {
  const outputs = { out: join(args.outDir ?? '.', 'report.json'), html: join(args.outDir ?? '.', 'report.html') };
  await checkOutputs(outputs);
  const style = styleFor(process.stdout);
  const out = (text: string) => process.stdout.write(text);
  const { startLocalStack } = await import('../../local/index.js');
  const stack = await startLocalStack({});
  try {
    // The demo talks only to its own stack: none of the user's AWS settings may leak in.
    useLocalStackEnvironment(stack.env);
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

    // A shipped profile run as `lambench run` would, on this stack, its table printed; Ctrl-C stops it and its report is still shown (then exit 130).
    const { loadProfile } = await import('../../profiles/profile.js');
    const { profileInput } = await import('../../profiles/profileInput.js');
    const { buildRunConfig } = await import('../../run/runConfig.js');
    const { runWithProgress } = await import('./bench.js');
    const { emitReport } = await import('../reportOutput.js');
    const runShipped = async (name: string, endpointUrl: string, files: ReportOutputArgs): Promise<ReportDocument> => {
      const loaded = await loadProfile(shippedProfile(name));
      const { input, names } = profileInput(loaded, (queue) => stack.queues[queue] ?? queue);
      // The report's files are the demo's own (checked above), not the profile's.
      const config = await buildRunConfig({ ...input, endpointUrl, profilePath: `profiles/${name}`, out: undefined, html: undefined, hgrm: undefined }, names);
      const interrupts = listenForInterrupts();
      let report: ReportDocument;
      try {
        report = await runWithProgress(config, () => {}, interrupts, false);
        await emitReport(report, files, out);
      } finally {
        interrupts.dispose();
      }
      if (report.interrupted) throw new InterruptedError('interrupted: the report covers what was measured before Ctrl-C');
      return report;
    };

    out(`${style.dim('── 6. poll-based (SQS → event source mapping): messages to the queue lambench-orders, which a mapping reads in batches for the function orders; one order in ten fails on purpose and is dead-lettered; every message accounted for: sent = processed + dead-lettered + still in the queue')}\n`);
    out(`$ lambench run profiles/${QUEUE_PROFILE}\n`);
    out(style.dim('  (then the run waits for the queue to drain, about 10 s: a failing order fails 3 receives, 3 s apart, and the 4th moves it to the DLQ;\n'));
    out(style.dim('   the sample keeps its visibility timeout and maxReceiveCount low to be quick, and lambench warns about both, as AWS advises)\n'));
    // A queue target's endpoint is SQS's; the mapping's Lambda is found through the stack's environment.
    const queueReport = await runShipped(QUEUE_PROFILE, stack.sqsUrl, {});
    const queued = queueReport.phases[0]?.queue?.delivery;
    out('\n');

    out(`${style.dim(`── 7. the main job: the shipped profile profiles/${DEMO_PROFILE}: sync against async on square, open loop, every async event accounted for`)}\n`);
    out(`$ lambench run profiles/${DEMO_PROFILE} --out ${outputs.out} --html ${outputs.html}\n`);
    const report = await runShipped(DEMO_PROFILE, stack.lambdaUrl, outputs);
    const benchDelivery = report.phases[1]?.delivery;

    out(`${style.bold('In short')}: sync answered in ${formatLatencyMs(sync.latencyMs)} with the result; async was accepted in ${formatLatencyMs(accepted.latencyMs)}`);
    out(accepted.completion ? `, and its completion record proves it ran (${accepted.completion.condition}, ${accepted.completion.attempts} attempt).\n` : ', but no completion record arrived.\n');
    if (viaGateway.completion) {
      out(`Through API Gateway the event was accepted with ${viaGateway.statusCode} (not 202) and completed ${formatLatencyMs(viaGateway.endToEndMs ?? 0)} after the send.\n`);
    }
    if (queued) {
      out(`Through SQS, ${queued.sent} messages sent = ${queued.processed} processed by orders + ${queued.deadLettered} dead-lettered (the orders that fail on purpose) + ${queued.remaining} still in the queue.\n`);
    }
    out(`${style.bold('Reports')}: ${resolve(outputs.out)} (JSON, with the HdrHistograms) and ${resolve(outputs.html)} (open it in a browser: latency percentiles, outcomes, throughput, the delivery funnel).\n`);
    out(style.dim('Next: `lambench run profiles/<scenario>.yaml` runs the other shipped scenarios; `lambench local` keeps a stack running for your own calls; see README.md.\n'));
    // The demo exits 1 when what it shows did not happen, like any other check.
    const failed = [
      (sync.payload as { square?: number } | undefined)?.square !== 49 && 'the sync call did not return {"square": 49}',
      accepted.completion?.condition !== 'Success' && 'the async call has no Success record',
      (failing.completion?.condition !== 'RetriesExhausted' || failing.completion.attempts !== 3) && 'the failing event was not retried into the failure destination',
      dryRun.statusCode !== 204 && 'the dry run did not answer 204',
      viaGateway.completion?.condition !== 'Success' && 'the event through API Gateway has no Success record',
      (!queued || queued.sent === 0 || queued.deadLettered === 0 || queued.processed + queued.deadLettered !== queued.sent) && 'the queue run did not account for every message as processed or dead-lettered',
      queueReport.thresholds.some((result) => !result.passed) && "the orders-queue profile's thresholds failed",
      (!benchDelivery || benchDelivery.succeeded !== benchDelivery.accepted || benchDelivery.accepted === 0) && 'the benchmark did not account for every async event',
      report.thresholds.some((result) => !result.passed) && "the profile's thresholds failed",
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
