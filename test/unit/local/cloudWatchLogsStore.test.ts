/**
 * The local CloudWatch Logs store on a clock the test moves (no server, no waiting): the ingestion
 * delay, the bound on events kept per group, and where FilterLogEvents pages end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchLogs } from '../../../src/local/cloudWatchLogs.js';

const all = () => true;

function store(options: { delayMs?: number; maxEventsPerGroup?: number } = {}) {
  const clock = { now: 1_000_000 };
  return { logs: new CloudWatchLogs('us-east-1', { ...options, now: () => clock.now }), clock };
}

describe('CloudWatch Logs store', () => {
  it('hides an event until its timestamp plus the delay', () => {
    const { logs, clock } = store({ delayMs: 2000 });
    logs.put('/g', 's1', [{ timestamp: clock.now - 500, message: 'a' }]);
    const group = logs.group('/g');
    assert.deepEqual(logs.filter(group, { matches: all, limit: 10 }).events, []);
    clock.now += 1499;
    assert.deepEqual(logs.filter(group, { matches: all, limit: 10 }).events, []);
    clock.now += 1;
    assert.deepEqual(logs.filter(group, { matches: all, limit: 10 }).events.map((event) => [event.message, event.ingestionTime - event.timestamp]), [['a', 2000]]);
  });

  it('keeps the last N events of a group, dropping the oldest and the streams left empty', () => {
    const { logs, clock } = store({ maxEventsPerGroup: 3 });
    const t = clock.now - 100;
    logs.put('/g', 'old', [{ timestamp: t, message: '1' }, { timestamp: t, message: '2' }]);
    logs.put('/g', 'new', [{ timestamp: t + 1, message: '3' }, { timestamp: t + 1, message: '4' }, { timestamp: t + 2, message: '5' }]);
    const group = logs.group('/g');
    assert.deepEqual(logs.filter(group, { matches: all, limit: 10 }).events.map((event) => event.message), ['3', '4', '5']);
    assert.deepEqual(logs.streams(group).map((stream) => stream.name), ['new']);
    assert.throws(() => logs.group('/other'), { errorType: 'ResourceNotFoundException' });
    assert.equal(logs.group('arn:aws:logs:us-east-1:000000000000:log-group:/g:*'), group);
  });

  it('ends a page where another stream begins, then answers one empty page, then goes on', () => {
    const { logs, clock } = store();
    const t = clock.now - 100;
    logs.put('/g', 'a', [{ timestamp: t, message: 'a1' }, { timestamp: t + 1, message: 'a2' }]);
    logs.put('/g', 'b', [{ timestamp: t + 2, message: 'b1' }, { timestamp: t + 3, message: 'b2' }, { timestamp: t + 4, message: 'b3' }]);
    const group = logs.group('/g');
    const pages: string[][] = [];
    let nextToken: string | undefined;
    for (let round = 0; round < 20; round += 1) {
      const page = logs.filter(group, { matches: all, limit: 2, ...(nextToken && { nextToken }) });
      pages.push(page.events.map((event) => event.message));
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
    assert.deepEqual(pages, [['a1', 'a2'], [], ['b1', 'b2'], ['b3']]);
    assert.throws(() => logs.filter(group, { matches: all, limit: 2, nextToken: 'garbage' }), { errorType: 'InvalidParameterException' });
  });

  it('GetLogEvents: from the head or the tail, tokens forward and back, the forward token unchanged at the end', () => {
    const { logs, clock } = store();
    logs.put('/g', 's', [1, 2, 3, 4, 5].map((n) => ({ timestamp: clock.now - 10 + n, message: String(n) })));
    const group = logs.group('/g');
    const head = logs.getLogEvents(group, 's', { startFromHead: true, limit: 2 });
    assert.deepEqual(head.events.map((event) => event.message), ['1', '2']);
    const next = logs.getLogEvents(group, 's', { limit: 2, nextToken: head.nextForwardToken });
    assert.deepEqual(next.events.map((event) => event.message), ['3', '4']);
    const last = logs.getLogEvents(group, 's', { limit: 2, nextToken: next.nextForwardToken });
    assert.deepEqual(last.events.map((event) => event.message), ['5']);
    const end = logs.getLogEvents(group, 's', { limit: 2, nextToken: last.nextForwardToken });
    assert.deepEqual([end.events, end.nextForwardToken], [[], last.nextForwardToken]);
    const tail = logs.getLogEvents(group, 's', { limit: 2 });
    assert.deepEqual(tail.events.map((event) => event.message), ['4', '5']);
    assert.deepEqual(logs.getLogEvents(group, 's', { limit: 2, nextToken: tail.nextBackwardToken }).events.map((event) => event.message), ['2', '3']);
    assert.throws(() => logs.getLogEvents(group, 'nosuch', { limit: 2 }), { errorType: 'ResourceNotFoundException' });
  });
});
