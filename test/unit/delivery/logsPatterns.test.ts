/** FilterLogEvents patterns naming request IDs: every ID in exactly one pattern, each within 1,024 characters, in either log format. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { idPatterns } from '../../../src/delivery/logsEvidence.js';

describe('idPatterns', () => {
  for (const format of ['Text', 'JSON'] as const) {
    it(`${format}: 100 request IDs spread over patterns of at most 1,024 characters, each ID once`, () => {
      const ids = Array.from({ length: 100 }, () => randomUUID());
      const patterns = idPatterns(ids, format);
      assert.ok(patterns.length > 1 && patterns.every((pattern) => pattern.length <= 1024), patterns.map((pattern) => pattern.length).join(','));
      const named = patterns.flatMap((pattern) => [...pattern.matchAll(/"([0-9a-f-]{36})"/g)].map((match) => match[1]));
      assert.deepEqual(named.sort(), [...ids].sort());
      if (format === 'JSON') assert.ok(patterns.every((pattern) => /^\{ \$\.record\.requestId = "[^"]+"( \|\| \$\.record\.requestId = "[^"]+")* \}$/.test(pattern)));
      else assert.ok(patterns.every((pattern) => /^\?"[^"]+"( \?"[^"]+")*$/.test(pattern)));
    });
  }
});
