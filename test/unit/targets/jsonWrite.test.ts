/** The JSON text writer behind URL targets' bodies: only the member at each path changes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeIntoJson, type JsonWrite } from '../../../src/targets/request/jsonWrite.js';

const write = (text: string, writes: [string, string][]) => {
  const list: JsonWrite[] = writes.map(([path, value]) => ({ keys: path.split('.'), value, path }));
  const result = writeIntoJson(Buffer.from(text), list);
  return { text: result.bytes.toString('utf8'), offsets: result.offsets };
};

describe('writeIntoJson', () => {
  it('adds members at the end of an object, creating the objects on the way once for paths that share them', () => {
    assert.equal(write('{}', [['meta.id', '"X"'], ['meta.async', 'true']]).text, '{"meta":{"id":"X","async":true}}');
    assert.equal(write(' { } \n', [['a', '1']]).text, ' { "a":1} \n');
    assert.equal(write('{"n":1.0}', [['a.b.c', '2'], ['a.d', '3']]).text, '{"n":1.0,"a":{"b":{"c":2},"d":3}}');
  });

  it('finds keys past strings, arrays and escapes that look like structure', () => {
    const text = '{"s":"}{\\"meta\\":[","arr":[{"meta":1},"]"],"me\\u0074a":{"x":[1,{"y":"}"}]}}';
    assert.equal(write(text, [['meta.id', '"X"']]).text, '{"s":"}{\\"meta\\":[","arr":[{"meta":1},"]"],"me\\u0074a":{"x":[1,{"y":"}"}],"id":"X"}}');
  });

  it('replaces an existing value whole, whatever it was, and says where each value starts', () => {
    const result = write('{"meta":{"id":{"old":[1,2]},"k":"é"},"z":null}', [['meta.id', '"NEW"'], ['z', 'true']]);
    assert.equal(result.text, '{"meta":{"id":"NEW","k":"é"},"z":true}');
    const bytes = Buffer.from(result.text);
    assert.equal(bytes.toString('utf8', result.offsets[0], result.offsets[0]! + 5), '"NEW"');
    assert.equal(bytes.toString('utf8', result.offsets[1], result.offsets[1]! + 4), 'true');
  });

  it('byte offsets count multi-byte text before the value', () => {
    const result = write('{"name":"Zoë ☃"}', [['meta.id', '"ABC"']]);
    const bytes = Buffer.from(result.text);
    assert.equal(bytes.toString('utf8', result.offsets[0], result.offsets[0]! + 5), '"ABC"');
  });

  it('refuses a duplicate key on the path and a path through a value that is not an object', () => {
    assert.throws(() => write('{"meta":{},"meta":{}}', [['meta.id', '1']]), /the payload has the key 'meta' 2 times where meta\.id goes/);
    assert.throws(() => write('{"meta":[]}', [['meta.id', '1']]), /cannot write meta\.id into the payload: 'meta' is not an object there/);
    // A duplicate elsewhere is the user's business, sent as given.
    assert.equal(write('{"d":1,"d":2}', [['id', '1']]).text, '{"d":1,"d":2,"id":1}');
  });
});
