import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toIsoMicros } from '../../src/model/time.js';
import { IsoTimeFormatter } from '../../src/sinks/iso-time.js';

it('IsoTimeFormatter matches toIsoMicros within a second, across seconds and going back', () => {
  const format = new IsoTimeFormatter().format;
  const times = [
    { sec: 1_700_000_000, nsec: 0 },
    { sec: 1_700_000_000, nsec: 999_999_999 },
    { sec: 1_700_000_000, nsec: 1_500 },
    { sec: 1_700_000_001, nsec: 42_000 },
    { sec: 1_699_999_999, nsec: 7 },
    { sec: 1_699_999_999, nsec: 123_456_789 },
  ];
  for (const ts of times) assert.equal(format(ts), toIsoMicros(ts));
});
