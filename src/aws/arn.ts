/**
 * ARNs read by their fields: `arn:<partition>:<service>:<region>:<account>:<resource>`. What a
 * destination is (an SQS queue, an SNS topic, an EventBridge bus, an S3 bucket, a function) is
 * its ARN's service; its name is the resource's last part.
 */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account: `my-queue`, `event-bus/default`, `function:f:live`, or an S3 bucket's name. */
  resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(text);
  if (!match) return undefined;
  return { partition: match[1]!, service: match[2]!, region: match[3]!, account: match[4]!, resource: match[5]! };
}

/** The name in an ARN: a queue's or topic's name, a bus's (`event-bus/NAME`), a bucket's (a function's: functionNameOf). */
export function nameInArn(text: string): string {
  const arn = parseArn(text);
  if (!arn) return text;
  if (arn.service === 'events') return arn.resource.replace(/^event-bus\//, '');
  return arn.resource;
}

/**
 * A function's bare name however it is written, as Lambda accepts it: `my-fn`, `my-fn:live`,
 * `123456789012:function:my-fn[:live]` (a partial ARN) or `arn:aws:lambda:…:function:my-fn[:live]`.
 * Its log group and its S3 on-failure prefix are named by it.
 */
export function functionNameOf(reference: string): string {
  const parts = reference.split(':');
  if (parts[0] === 'arn') return parts[6] ?? reference;
  if (parts[1] === 'function') return parts[2] ?? reference;
  return parts[0]!;
}
