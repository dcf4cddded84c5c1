/**
 * An AWS JSON service's refusal, decoded the SDK's way (restJson1 and awsJson alike), and the clock
 * skew it may reveal: shared by the direct paths (Lambda's Invoke API, SQS's sends).
 */

/** Errors that mean our clock is off: the service's `Date` header then sets the offset, as the SDK does. */
export const CLOCK_SKEW_ERRORS = new Set(['InvalidSignatureException', 'SignatureDoesNotMatch', 'RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);

/**
 * The SDK's restJson1 error decoding: the name from `x-amzn-ErrorType` (else the body's `code` or
 * `__type`), stripped of its `:namespace` suffix and `prefix#`; the message from `message`/`Message`;
 * Lambda's throttles add a `Reason`.
 */
export function serviceError(status: number, errorTypeHeader: string | undefined, body: Uint8Array | undefined): { errorType: string; errorMessage: string; reason?: string } {
  let document: Record<string, unknown> = {};
  try {
    const parsed: unknown = body && body.length > 0 ? JSON.parse(Buffer.from(body).toString('utf8')) : {};
    if (parsed !== null && typeof parsed === 'object') document = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page): the status says what there is to say.
  }
  const raw = errorTypeHeader ?? stringField(document, 'code') ?? stringField(document, '__type');
  const errorType = raw ? raw.split(':')[0]!.split('#').pop()! : `Http${status}`;
  const message = stringField(document, 'message') ?? stringField(document, 'Message') ?? `HTTP ${status}`;
  const reason = stringField(document, 'Reason');
  return { errorType, errorMessage: message, ...(reason && { reason }) };
}

function stringField(document: Record<string, unknown>, name: string): string | undefined {
  const value = document[name];
  return typeof value === 'string' ? value : undefined;
}

/** How far the service's clock (its `Date` header) is ahead of ours, in milliseconds. */
export function skewFrom(dateHeader: string | undefined): number | undefined {
  const serverTime = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isNaN(serverTime) ? undefined : serverTime - Date.now();
}
