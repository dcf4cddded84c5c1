/** A function's bare name however the user wrote it: its log group and its S3 on-failure prefix are named by it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionNameOf } from '../../../src/aws/arn.js';

describe('functionNameOf', () => {
  it('name, name:qualifier, partial ARN and full ARN, with or without a qualifier', () => {
    for (const reference of ['my-fn', 'my-fn:live', '123456789012:function:my-fn', '123456789012:function:my-fn:7', 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn', 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn:$LATEST']) {
      assert.equal(functionNameOf(reference), 'my-fn', reference);
    }
  });
});
