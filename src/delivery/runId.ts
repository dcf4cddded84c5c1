/**
 * A run's ID and the names of what it creates in an account: `lambench-<run id>-<purpose>`, the
 * run ID being the UTC minute it started and four random characters (`20261202t1305-k3x9`). The
 * pattern is what `lambench cleanup` looks for: nothing else (the local stack's
 * `lambench-success`, a user's `lambench-orders`) ever matches it.
 */
import { randomBytes } from 'node:crypto';

/** `lambench-<run id>-`: the run ID is group 1. */
export const RUN_RESOURCE = /^lambench-(\d{8}t\d{4}-[a-z0-9]{4})-/;
/** The shortest limit of the names a tap uses: an EventBridge rule's 64 characters (SQS allows 80 for a queue's). */
const MAX_NAME = 64;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 13).toLowerCase();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(4)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${stamp}-${suffix}`;
}

/** `lambench-20261202t1305-k3x9-failure-sns`, cut to 64 characters (the shortest limit: an EventBridge rule's). */
export function resourceName(runId: string, purpose: string): string {
  return `lambench-${runId}-${purpose.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, MAX_NAME);
}

/** The run ID in a resource's name, or undefined when the name is not one lambench gives. */
export function runIdOf(name: string): string | undefined {
  return RUN_RESOURCE.exec(name)?.[1];
}

/** When the run began (to the minute), from its ID. */
export function runStartedAt(runId: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})-/.exec(runId);
  if (!match) return undefined;
  const [, year, month, day, hour, minute] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!));
}
