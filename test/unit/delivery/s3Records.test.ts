/**
 * An S3 on-failure destination read through the local stack's S3 (fauxqs): every UTC day the run
 * spans is listed from its start (less a few minutes), other functions' prefixes and older objects
 * are not read, each object is read once, and a record not matched yet is offered again later.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionRecord } from '../../../src/delivery/completionRecord.js';
import { S3Records } from '../../../src/delivery/s3Records.js';
import { CREDENTIALS, useTestStack } from '../../support/helpers.js';

const DAY = 86_400_000;
const keyAt = (fn: string, at: number, tail: string) => {
  const iso = new Date(at).toISOString();
  return `aws/lambda/async/${fn}/${iso.slice(0, 10).replace(/-/g, '/')}/${iso.slice(0, 19).replace(/:/g, '.')}-${tail}`;
};

describe('S3Records', () => {
  const local = useTestStack();
  let s3: S3Client;
  before(() => {
    s3 = new S3Client({ region: local.stack.region, endpoint: local.stack.sqsUrl, credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  });
  after(() => s3.destroy());

  it('lists each day from the run\'s start, reads each object once, offers the unmatched again', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 's3-days' }));
    const midnight = Math.floor(Date.now() / DAY) * DAY;
    const since = midnight - 2 * 60_000;
    const put = (key: string, requestId: string) => s3.send(new PutObjectCommand({ Bucket: 's3-days', Key: key, Body: JSON.stringify({ timestamp: new Date().toISOString(), requestContext: { requestId, condition: 'RetriesExhausted', approximateInvokeCount: 3 } }) }));
    await put(keyAt('f', midnight - 10 * 60_000, 'old'), 'r-too-old');
    await put(keyAt('f', midnight - 60_000, 'a'), 'r-yesterday');
    await put(keyAt('f', midnight + 60_000, 'b'), 'r-today');
    await put(keyAt('f-other', midnight + 60_000, 'c'), 'r-other-function');
    const offered: string[] = [];
    let todayIsOurs = false;
    const reader = new S3Records({
      s3,
      bucket: 's3-days',
      functionName: 'f',
      since,
      offer: (record: CompletionRecord) => {
        offered.push(record.requestId!);
        return record.requestId === 'r-yesterday' || (record.requestId === 'r-today' && todayIsOurs);
      },
    });
    await reader.check();
    await reader.pass();
    assert.deepEqual(offered.sort(), ['r-today', 'r-today', 'r-yesterday'], 'the unmatched one is offered again at the end of the pass');
    assert.equal(reader.objectsRead, 2);
    assert.equal(reader.unverifiedReason(), undefined);
    todayIsOurs = true;
    offered.length = 0;
    await reader.pass();
    assert.deepEqual(offered, ['r-today'], 'nothing read twice; the kept record offered again, now matched');
    await reader.pass();
    assert.equal(reader.objectsRead, 2);
    assert.deepEqual(offered, ['r-today']);
  });

  it('a bucket that does not exist is said before anything is sent', async () => {
    const reader = new S3Records({ s3, bucket: 'no-such-bucket', functionName: 'f', since: Date.now(), offer: () => false });
    await assert.rejects(reader.check(), /the S3 bucket no-such-bucket does not exist: check the function's on-failure destination/);
  });
});
