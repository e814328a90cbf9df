import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { captures } from '../support/synth/captures-catalogue.js';

/**
 * Each purpose-built capture in captures/ against the exchanges its catalogue entry says a correct
 * reader finds (pipelining, 100-continue, HEAD, chunked with trailers, mid-stream start,
 * retransmission, reordering, gaps, IPv6, VLAN, SLL/SLL2, gzip, Upgrade, CONNECT, reset,
 * close-delimited, nanosecond pcap, multi-interface pcapng, truncated, GRO super-packets).
 */
describe('purpose-built captures', () => {
  for (const spec of captures.filter((c) => c.exchanges.length > 0)) {
    it(spec.file, async () => {
      const { exchanges } = await runCapture(join(ownCaptures, spec.file));
      const actual = exchanges.map((e) => ({
        method: e.request.head.method,
        target: e.request.head.target,
        status: e.response?.head.status,
        interim: e.interim.map((m) => m.head.status),
        termination: e.termination,
        responseBodySize: e.response?.body.size,
        lostBytes: e.response?.body.lostBytes ?? 0,
      }));
      const expected = spec.exchanges.map((x) => ({
        method: x.method,
        target: x.target,
        status: x.status,
        interim: x.interim ?? [],
        termination: x.termination,
        responseBodySize: x.responseBodySize ?? actual.find((a) => a.target === x.target)?.responseBodySize,
        lostBytes: x.lostBytes ?? 0,
      }));
      assert.deepEqual(actual, expected);
    });
  }
});
