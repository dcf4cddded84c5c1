/**
 * Observes an S3 on-failure destination: Lambda writes each failed event's record as an object
 * under `aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>` (the key holds no
 * request ID). Every UTC day the run spans is listed from the run's start (a few minutes earlier,
 * for clocks that differ), each new object read once and offered to the tracker, which matches it
 * by the request ID inside. Nothing is deleted. Records not (yet) matched are kept, bounded, and
 * offered again: an event's record can be read before its 202 was counted.
 */
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { TargetUnavailableError, messageOf } from '../errors.js';
import { awsErrorName, isAccessDenied } from '../aws/lambdaControl.js';
import type { CompletionRecord } from './completionRecord.js';
import { PolledSource } from './polledSource.js';
import { decodeS3Object } from './tapRecords.js';

const EARLIER_MS = 5 * 60_000;
const KEEP_UNMATCHED = 10_000;
const DAY_MS = 86_400_000;

export interface S3RecordsOptions {
  s3: S3Client;
  bucket: string;
  functionName: string;
  /** When the run began (epoch ms). */
  since: number;
  /** Offers a record to the tracker: true once it is this run's. */
  offer: (record: CompletionRecord) => boolean;
  clientRequestIdPath?: string;
  intervalMs?: number;
}

export class S3Records extends PolledSource {
  private readonly read = new Set<string>();
  private readonly unmatched = new Map<string, CompletionRecord>();
  private listedThrough = 0;
  objectsRead = 0;

  constructor(private readonly options: S3RecordsOptions) {
    super(options.intervalMs ?? 1000);
  }

  get label(): string {
    return `s3://${this.options.bucket}/aws/lambda/async/${this.options.functionName}/`;
  }

  /** Fails before anything is sent when the bucket does not exist or cannot be read. */
  async check(): Promise<void> {
    try {
      await this.options.s3.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      const code = awsErrorName(error);
      if (code === 'NotFound' || code === 'NoSuchBucket') throw new TargetUnavailableError(`the S3 bucket ${this.options.bucket} does not exist: check the function's on-failure destination, the region and the S3 endpoint (AWS_ENDPOINT_URL_S3)`, { cause: error });
      if (isAccessDenied(error) || code === 'Forbidden') throw new TargetUnavailableError(`not allowed to read the S3 bucket ${this.options.bucket} (s3:ListBucket / s3:GetObject denied): grant them, or pass --no-discover with --destination-queue/--dlq`, { cause: error });
      throw new TargetUnavailableError(`cannot reach S3 for ${this.options.bucket} (${code || messageOf(error)}): check the S3 endpoint (AWS_ENDPOINT_URL_S3) and credentials`, { cause: error });
    }
  }

  /** Why pending failures cannot be called missing: S3 failing now, or never listed through. */
  unverifiedReason(): string | undefined {
    const failing = this.failingReason(this.label, 'S3');
    if (failing) return failing;
    if (this.listedThrough === 0) return `${this.label}: no listing completed`;
    return undefined;
  }

  /** One pass: every day's new objects read and offered, then the unmatched ones offered again. */
  async pass(): Promise<void> {
    const { s3, bucket, functionName } = this.options;
    const from = this.options.since - EARLIER_MS;
    const startedAt = Date.now();
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= startedAt; day += DAY_MS) {
      const prefix = `aws/lambda/async/${functionName}/${new Date(day).toISOString().slice(0, 10).replace(/-/g, '/')}/`;
      // Keys sort by time: the first day starts at the run's start, the others at midnight.
      const startAfter = day <= from ? `${prefix}${new Date(from).toISOString().slice(0, 19).replace(/:/g, '.')}` : undefined;
      let token: string | undefined;
      for (let page = 0; page < 1000 && !this.controller.signal.aborted; page += 1) {
        const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(startAfter && !token && { StartAfter: startAfter }), ...(token && { ContinuationToken: token }) }), { abortSignal: this.controller.signal });
        for (const object of listing.Contents ?? []) {
          if (!object.Key || this.read.has(object.Key)) continue;
          const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }), { abortSignal: this.controller.signal });
          const body = (await answer.Body?.transformToString()) ?? '';
          this.read.add(object.Key);
          this.objectsRead += 1;
          const record = decodeS3Object(body, `s3://${bucket}/${object.Key}`, `s3:${bucket}`, this.options.clientRequestIdPath);
          if (record && !this.options.offer(record) && this.unmatched.size < KEEP_UNMATCHED) this.unmatched.set(object.Key, record);
        }
        token = listing.IsTruncated ? listing.NextContinuationToken : undefined;
        if (!token) break;
      }
    }
    for (const [key, record] of this.unmatched) if (this.options.offer(record)) this.unmatched.delete(key);
    this.listedThrough = startedAt;
  }
}
