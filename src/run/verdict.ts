/**
 * A finished report's verdict, decided in this one place and thrown as the error whose exit code
 * says it (130 interrupted, 3 target unavailable, 1 thresholds or delivery failed). Logic a test
 * calls without a shell; the CLI only prints and exits.
 */
import { CallFailedError, InterruptedError, TargetUnavailableError } from '../errors.js';
import { CLIENT_OUT_OF_FILES, OUT_OF_FILES_EXAMPLE } from '../metrics/recorder.js';
import type { PhaseReport, ReportDocument } from '../report/reportDocument.js';

/**
 * Exit 130 for a run this process interrupted (`live`); 3 when no call of a phase got an answer
 * from the target (see unanswered: it is wrong, down or mute, not slow: nothing was measured)
 * or a phase's delivery could not be verified (a queue could not be read through);
 * 1 for failed thresholds or verified delivery with events missing; otherwise nothing.
 */
export async function judge(report: ReportDocument, live = true): Promise<void> {
  if (live && report.interrupted) throw new InterruptedError('interrupted: the report covers what was measured before Ctrl-C');
  const silent = report.phases.find(unanswered);
  if (silent) throw new TargetUnavailableError(unansweredVerdict(silent));
  // Delivery that could not be verified (a queue unreadable, hung, or its backlog not read through): AWS could not be reached, not a loss.
  const unverified = report.interrupted ? undefined : report.phases.find((phase) => (phase.delivery?.unverified ?? 0) > 0);
  if (unverified) {
    const delivery = unverified.delivery!;
    // Every unverified event was seen failing with its retry still to come: the run ended too soon, nothing failed to answer.
    if (delivery.awaitingRetry === delivery.unverified) {
      throw new CallFailedError(
        `delivery incomplete: ${delivery.unverified} of ${delivery.accepted} accepted events of the ${unverified.name} phase had failed an attempt and waited for Lambda's retry when the settle time ran out: raise --settle (Lambda retries about 1, then 2 minutes later)`,
      );
    }
    throw new TargetUnavailableError(
      `delivery unverified: ${delivery.unverified} of ${delivery.accepted} accepted events of the ${unverified.name} phase could not be looked for (${delivery.unverifiedReasons?.[0] ?? 'a queue could not be read'}): the report says what was found; ${delivery.unobservable ? 'give those outcomes a destination lambench can read (SQS, SNS, EventBridge, S3), or pass --destination-queue/--dlq' : 'check what the reason names, or raise --settle for a backlog or late logs'}`,
    );
  }
  const unreadQueue = report.interrupted ? undefined : report.phases.find((phase) => (phase.queue?.delivery?.unverifiedReasons?.length ?? 0) > 0);
  if (unreadQueue) {
    const delivery = unreadQueue.queue!.delivery!;
    throw new TargetUnavailableError(`delivery unverified: the ${unreadQueue.name} phase's evidence could not be read (${delivery.unverifiedReasons![0]}): the report says what was found; check SQS`);
  }
  const failed = report.thresholds.filter((result) => !result.passed);
  const problems: string[] = [];
  if (failed.length > 0) {
    const { formatThresholdValue } = await import('../thresholds/thresholds.js');
    problems.push(`thresholds failed: ${failed.map((result) => `${result.threshold} (${result.phase}: ${formatThresholdValue(result.metric, result.actual)})`).join(', ')}`);
  }
  // Verified delivery with events unaccounted for is the contract's "delivery incomplete" (exit 1); failed events were delivered to a failure queue and are counted.
  // An interrupted run stopped waiting for its events: those not found yet are not proof of loss.
  for (const phase of report.interrupted ? [] : report.phases) {
    const delivery = phase.delivery;
    if (delivery && delivery.missing > 0) {
      problems.push(`delivery incomplete: ${delivery.missing} of ${delivery.accepted} accepted events of the ${phase.name} phase were found on no queue (raise --settle if they are only slow; check the function's destinations and DLQ if not)`);
    }
    // A queue phase: messages still in the queue after the settle time, or that the evidence does not show, were not (yet) processed.
    const queued = phase.queue?.delivery;
    if (queued && queued.remaining + queued.unaccounted > 0) {
      const parts = [queued.remaining > 0 && `${queued.remaining} still in the queue`, queued.unaccounted > 0 && `${queued.unaccounted} neither in the output queue nor in the DLQ`].filter(Boolean).join(', ');
      problems.push(`delivery incomplete: of ${queued.sent} messages sent in the ${phase.name} phase, ${parts} after the settle time (raise --settle if the mapping is only slow; check that it is enabled and its function succeeds if not)`);
    }
  }
  if (problems.length > 0) throw new CallFailedError(problems.join('; '));
}

/** Refusals: the target (or the Invoke API) said the thing asked for is not there or not allowed. */
const REFUSED = new Set(['403', '404']);

/**
 * The one exit-3 rule: a phase whose every call went without an answer from the target. An answer
 * is any HTTP status but a refusal (403, 404), a gateway's 504 and a 429 included, or bytes that
 * were not HTTP (an `HPE_…` parse error: something is there, answering badly). Not answered: a
 * refusal, a network error before any answer (refused connection, DNS, TLS, reset), a call never
 * sent, and a timeout with no status (nothing came back in time).
 */
export function unanswered(phase: PhaseReport): boolean {
  if (phase.requests === 0) return false;
  const answered = Object.entries(phase.status).reduce((sum, [code, count]) => (REFUSED.has(code) ? sum : sum + count), 0);
  const garbled = (phase.errors ?? []).reduce((sum, kind) => (kind.outcome === 'networkError' && kind.type.startsWith('HPE_') ? sum + kind.count : sum), 0);
  return answered + garbled === 0;
}

/** What the unanswered phase's calls met, in the words that say what to check. */
function unansweredVerdict(phase: PhaseReport): string {
  const kind = firstFailure(phase);
  const codes = Object.keys(phase.status);
  if (codes.length > 0 && Object.values(phase.status).reduce((a, b) => a + b, 0) === phase.requests) {
    return `every call of the ${phase.name} phase was refused (${[codes.join(', '), kind].filter(Boolean).join(': ')}): check the target's name, region and permissions`;
  }
  if (phase.errors?.[0] && CLIENT_OUT_OF_FILES.has(phase.errors[0].type)) {
    return `no call of the ${phase.name} phase could open a connection: ${OUT_OF_FILES_EXAMPLE}`;
  }
  if (phase.outcomes.networkError === phase.requests) {
    return `no call of the ${phase.name} phase reached the target${kind ? ` (${kind})` : ''}: check the URL or endpoint, and that it is up`;
  }
  if (phase.outcomes.timeout === phase.requests) {
    return `no call of the ${phase.name} phase was answered in time${kind ? ` (${kind})` : ''}: check that the target is up and answering, or give it longer (--timeout)`;
  }
  const outcomes = Object.entries(phase.outcomes).filter(([name, count]) => count > 0 && name !== 'dropped').map(([name, count]) => `${name} ${count}`);
  return `no call of the ${phase.name} phase got an answer from the target (${[...outcomes, ...codes.map((code) => `HTTP ${code} ×${phase.status[code]}`)].join(', ')}${kind ? `; ${kind}` : ''}): check the target, its URL or endpoint, and its permissions`;
}

/** A phase's most frequent failure kind as `type: first message`, for a one-line verdict. */
function firstFailure(phase: PhaseReport): string | undefined {
  const kind = phase.errors?.[0];
  return kind && (kind.example ? `${kind.type}: ${kind.example}` : kind.type);
}
