/**
 * One worker thread of `bench --workers N`: prepares the call and its own target, waits for the
 * go, runs its share of the phase, and sends back what it measured as it goes. Recorder intervals
 * (histograms lossless), raw lines and delivery expectations are batched, so the thread spends
 * its time calling, not messaging. Messages on one port keep their order: everything is sent
 * before `done`.
 */
import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import type { SentInvocation } from '../delivery/deliveryTracker.js';
import { messageOf } from '../errors.js';
import type { Recorder } from '../metrics/recorder.js';
import { createTarget } from '../targets/index.js';
import { callRequests } from '../targets/prepareCall.js';
import { SECOND_INTERRUPT } from './phaseCalls.js';
import { runPhase } from './phaseRunner.js';
import type { ToMain, ToWorker, WorkerInput } from './workerProtocol.js';

const INTERVAL_MS = 250;
const RAW_BATCH_CHARS = 64 * 1024;

const input = workerData as WorkerInput;
const port = parentPort!;
const post = (message: ToMain) => port.postMessage(message);
const controller = new AbortController();
const cancel = new AbortController();
setMaxListeners(0, cancel.signal);
let go: () => void = () => {};
const started = new Promise<void>((resolve) => (go = resolve));
port.on('message', (message: ToWorker) => {
  if (message.kind === 'go') go();
  else if (message.kind === 'stop') {
    controller.abort();
    // As in the main thread: calls in flight get the grace period, then are cut; a second stop (a
    // second Ctrl-C) comes with none and cuts them now.
    const reason = message.graceMs === 0 ? SECOND_INTERRUPT : `no answer within ${message.graceMs / 1000} s of Ctrl-C`;
    setTimeout(() => cancel.abort(new DOMException(reason, 'AbortError')), message.graceMs).unref();
    go();
  }
});

async function main(): Promise<void> {
  // The call was checked in the main thread: building its requests again cannot fail.
  const request = callRequests(input.call);
  const target = await createTarget(input.call, { connections: input.connections, forLoad: true, note: (message) => post({ kind: 'note', message }) });

  let rawText = '';
  const flushRaw = () => {
    if (rawText) post({ kind: 'raw', text: rawText });
    rawText = '';
  };
  const expected: { counted: SentInvocation[]; warmup: SentInvocation[] } = { counted: [], warmup: [] };
  const flushExpected = () => {
    if (expected.counted.length > 0) post({ kind: 'expect', counted: true, items: expected.counted.splice(0) });
    if (expected.warmup.length > 0) post({ kind: 'expect', counted: false, items: expected.warmup.splice(0) });
  };
  const answered: string[] = [];
  const flushAnswered = () => {
    if (answered.length > 0) post({ kind: 'answered', requestIds: answered.splice(0) });
  };
  let recorder: Recorder | undefined;
  const flush = () => {
    flushRaw();
    flushExpected();
    flushAnswered();
    if (recorder) post({ kind: 'interval', state: recorder.takeInterval() });
  };

  post({ kind: 'ready' });
  await started;
  const timer = setInterval(flush, INTERVAL_MS);
  try {
    const result = await runPhase(input.phase, {
      target,
      request,
      asyncVia: input.call.kind === 'http' ? input.call.asyncVia : undefined,
      raw: input.raw
        ? (lines: string) => {
            rawText += lines;
            if (rawText.length >= RAW_BATCH_CHARS) flushRaw();
          }
        : undefined,
      expect: input.expect ? (sent: SentInvocation, counted: boolean) => (counted ? expected.counted : expected.warmup).push(sent) : undefined,
      ...(input.answered && { answered: (requestId: string) => void answered.push(requestId) }),
      note: (message: string) => post({ kind: 'note', message }),
      signal: controller.signal,
      callSignal: cancel.signal,
      graceMs: input.graceMs,
      onRecorder: (measured) => {
        recorder = measured;
        post({ kind: 'measuring', at: Date.now() });
      },
    });
    clearInterval(timer);
    flush();
    await target.close();
    post({
      kind: 'done',
      elapsedMs: result.elapsedMs,
      started: result.started,
      sentLate: result.sentLate,
      ...(result.sendWindowMs !== undefined && { sendWindowMs: result.sendWindowMs }),
      ...(result.connectionsOpened !== undefined && { connectionsOpened: result.connectionsOpened }),
      ...(result.requestsSent !== undefined && { requestsSent: result.requestsSent }),
    });
  } catch (error) {
    clearInterval(timer);
    await target.close();
    throw error;
  }
}

main()
  .catch((error: unknown) => post({ kind: 'error', message: messageOf(error), ...(error instanceof Error && error.stack && { stack: error.stack }) }))
  // Nothing left to say: the listening port must not keep the thread alive.
  .finally(() => port.unref());
