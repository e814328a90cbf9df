import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonLines } from '../../src/tui/json-lines.js';
import { lineText } from '../../src/tui/styled-line.js';

const texts = (json: string) => jsonLines(json).map(lineText);

describe('jsonLines', () => {
  it('indents objects and arrays by two spaces, empty ones on one line', () => {
    assert.deepEqual(texts('{"a":1,"b":[true,null],"c":{},"d":[]}'), ['{', '  "a": 1,', '  "b": [', '    true,', '    null', '  ],', '  "c": {},', '  "d": []', '}']);
  });

  it('keeps numbers exactly as sent (no rounding of 64-bit ids)', () => {
    assert.deepEqual(texts('{"id":12345678901234567891,"x":1.50e3}'), ['{', '  "id": 12345678901234567891,', '  "x": 1.50e3', '}']);
  });

  it('lays out a body cut by the capture cap up to the cut', () => {
    assert.deepEqual(texts('{"items":[{"id":1},{"na'), ['{', '  "items": [', '    {', '      "id": 1', '    },', '    {', '      "na']);
  });

  it('keeps escaped quotes inside strings and colours keys, strings and numbers apart', () => {
    const lines = jsonLines('{"k\\"ey":"v\\"al","n":-2}');
    assert.deepEqual(lines.map(lineText), ['{', '  "k\\"ey": "v\\"al",', '  "n": -2', '}']);
    const spans = lines[1];
    assert.equal(spans.find((s) => s.text === '"k\\"ey"')?.color, 'cyan');
    assert.equal(spans.find((s) => s.text === '"v\\"al"')?.color, 'green');
    assert.equal(lines[2].find((s) => s.text === '-2')?.color, 'yellow');
  });

  it('puts each top-level value of JSON lines on its own line', () => {
    assert.deepEqual(texts('{"a":1}\n{"b":2}'), ['{', '  "a": 1', '}', '{', '  "b": 2', '}']);
  });

  it('escapes control characters from traffic', () => {
    assert.deepEqual(texts('["a\u001b[31mb"]'), ['[', '  "a\\x1b[31mb"', ']']);
  });
});
