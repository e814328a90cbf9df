import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Segment } from '../../src/model/segment.js';
import { defaultPipelineOptions, type PipelineOptions } from '../../src/model/options.js';
import { Stats } from '../../src/model/stats.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';
import { Recording, formatTs } from './recording-handler.js';
import { A, B, at, seg, type Endpoints } from './segments.js';

/** Handshake: A's ISN 1000 (data from 1001), B's ISN 5000 (data from 5001). */
const handshake = (t = 1): Segment[] => [
  A(t, 1000, 'S'),
  B(t + 0.001, 5000, 'SA', '', 1001),
  A(t + 0.002, 1001, 'A', '', 5001),
];

interface Case {
  name: string;
  options?: Partial<PipelineOptions>;
  segments: Segment[];
  /** finish() time; the latest segment's time when absent. */
  finishAt?: number;
  /** Every connection's events in call order, by id. */
  expect: Record<string, string[]>;
  /** Counters that must have exactly these values (absent counters are 0). */
  stats?: Record<string, number>;
  /** openConnections just before finish(). */
  open?: number;
}

function run(c: Case): { recording: Recording; stats: Stats } {
  const recording = new Recording();
  const stats = new Stats();
  const r = new Reassembler(recording.factory, stats, { ...defaultPipelineOptions, ...c.options });
  for (const s of c.segments) r.segment(s);
  if (c.open !== undefined) assert.equal(r.openConnections, c.open, 'openConnections');
  r.finish(c.finishAt === undefined ? undefined : at(c.finishAt));
  assert.equal(r.openConnections, 0);
  return { recording, stats };
}

function check(c: Case): void {
  const { recording, stats } = run(c);
  const got: Record<string, string[]> = {};
  for (const h of recording.handlers) got[h.info.id] = h.lines();
  assert.deepEqual(got, c.expect);
  for (const [code, n] of Object.entries(c.stats ?? {})) assert.equal(stats.get(code), n, code);
  recording.assertEveryDirectionEndedOnce();
}

const cases: Case[] = [
  {
    name: 'handshake, request, response, FIN both ways',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'GET /', 5001),
      B(2.1, 5001, 'PA', '200 OK', 1006),
      A(3, 1006, 'FA', '', 5007),
      B(3.1, 5007, 'FA', '', 1007),
      A(3.2, 1007, 'A', '', 5008),
    ],
    open: 0,
    expect: {
      c1: ['a2b "GET /" @2', 'b2a "200 OK" @2.1', 'a2b end fin @3', 'b2a end fin @3.1'],
    },
    stats: { 'tcp.connections': 1, 'tcp.segments': 8, 'tcp.payload-bytes': 11, 'tcp.gap': 0 },
  },
  {
    name: 'out-of-order bytes wait for the hole and carry the filler time',
    segments: [...handshake(), A(2, 1007, 'PA', 'ghi', 5001), A(3, 1004, 'PA', 'def', 5001), A(4, 1001, 'PA', 'abc', 5001)],
    open: 1,
    expect: {
      c1: ['a2b "abc" @4', 'a2b "def" @4', 'a2b "ghi" @4', 'a2b end capture-end @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.retransmission': 0, 'tcp.gap': 0 },
  },
  {
    name: 'a filler captured with an earlier time: ts is the max, never backwards',
    segments: [A(3, 1004, 'PA', 'def'), A(2, 1001, 'PA', 'abc'), A(2.5, 1007, 'PA', 'g')],
    expect: {
      // The first segment seen sets the base (1004): the older 'abc' is then a retransmission.
      c1: ['a2b "def" @3', 'a2b "g" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'],
    },
    stats: { 'tcp.retransmission': 1 },
  },
  {
    name: 'buffered bytes delivered at max(own ts, filler ts)',
    segments: [...handshake(), A(5, 1004, 'PA', 'def'), A(4, 1001, 'PA', 'abc')],
    expect: {
      c1: ['a2b "abc" @4', 'a2b "def" @5', 'a2b end capture-end @5', 'b2a end capture-end @5'],
    },
  },
  {
    name: 'exact retransmission suppressed',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc'), A(2.5, 1001, 'PA', 'abc'), A(3, 1004, 'PA', 'def')],
    expect: {
      c1: ['a2b "abc" @2', 'a2b "def" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'],
    },
    stats: { 'tcp.retransmission': 1, 'tcp.overlap': 0 },
  },
  {
    name: 'retransmission of a buffered segment suppressed',
    segments: [...handshake(), A(2, 1004, 'PA', 'def'), A(2.5, 1004, 'PA', 'def'), A(3, 1001, 'PA', 'abc')],
    expect: {
      c1: ['a2b "abc" @3', 'a2b "def" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'],
    },
    stats: { 'tcp.retransmission': 1, 'tcp.overlap-conflict': 0 },
  },
  {
    name: 'overlap with delivered bytes: only the new bytes',
    segments: [...handshake(), A(2, 1001, 'PA', 'abcd'), A(3, 1003, 'PA', 'cdef')],
    expect: {
      c1: ['a2b "abcd" @2', 'a2b "ef" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'],
    },
    stats: { 'tcp.overlap': 1, 'tcp.retransmission': 0 },
  },
  {
    name: 'overlapping buffered segments: first seen wins, conflict counted',
    segments: [...handshake(), A(2, 1004, 'PA', 'defg'), A(3, 1006, 'PA', 'XXhi'), A(4, 1001, 'PA', 'abc')],
    expect: {
      c1: ['a2b "abc" @4', 'a2b "defg" @4', 'a2b "hi" @4', 'a2b end capture-end @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.overlap-conflict': 1, 'tcp.overlap': 1 },
  },
  {
    name: 'a new segment spanning buffered pieces fills around them',
    segments: [...handshake(), A(2, 1003, 'PA', 'c'), A(2.1, 1006, 'PA', 'f'), A(3, 1001, 'PA', 'abXdeYgh')],
    expect: {
      c1: [
        'a2b "ab" @3',
        'a2b "c" @3',
        'a2b "de" @3',
        'a2b "f" @3',
        'a2b "gh" @3',
        'a2b end capture-end @3',
        'b2a end capture-end @3',
      ],
    },
    stats: { 'tcp.overlap-conflict': 1 },
  },
  {
    name: 'keep-alive probes ignored',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'abc', 5001),
      A(60, 1003, 'A', 'x', 5001),
      A(61, 1003, 'A', '', 5001),
      B(61.1, 5001, 'A', '', 1004),
      A(62, 1004, 'PA', 'def', 5001),
    ],
    expect: {
      c1: ['a2b "abc" @2', 'a2b "def" @62', 'a2b end capture-end @62', 'b2a end capture-end @62'],
    },
    stats: { 'tcp.keep-alive': 1, 'tcp.retransmission': 0, 'tcp.gap': 0 },
  },
  {
    name: 'zero-window probe: its byte is delivered once, the retransmission adds only the rest',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'abc', 5001),
      B(2.1, 5001, 'A', '', 1004, 0),
      A(3, 1004, 'A', 'd', 5001),
      B(3.1, 5001, 'A', '', 1004, 0),
      B(4, 5001, 'A', '', 1004, 65535),
      A(4.1, 1004, 'PA', 'defg', 5001),
    ],
    expect: {
      c1: ['a2b "abc" @2', 'a2b "d" @3', 'a2b "efg" @4.1', 'a2b end capture-end @4.1', 'b2a end capture-end @4.1'],
    },
    stats: { 'tcp.zero-window-probe': 1, 'tcp.gap': 0 },
  },
  {
    name: 'sequence numbers wrap around 2^32',
    segments: [
      A(1, 0xfffffffc, 'S'),
      B(1.001, 0xffffffff, 'SA', '', 0xfffffffd),
      A(1.002, 0xfffffffd, 'A', '', 0),
      A(2, 0xfffffffd, 'PA', 'abc', 0),
      A(3, 3, 'PA', 'gh', 0),
      A(4, 0, 'PA', 'def', 0),
      B(4.1, 0, 'PA', 'ok', 5),
      A(5, 5, 'FA', '', 2),
      B(5.1, 2, 'FA', '', 6),
    ],
    expect: {
      c1: [
        'a2b "abc" @2',
        'a2b "def" @4',
        'a2b "gh" @4',
        'b2a "ok" @4.1',
        'a2b end fin @5',
        'b2a end fin @5.1',
      ],
    },
    stats: { 'tcp.gap': 0, 'tcp.retransmission': 0 },
  },
  {
    name: 'a gap declared across the wrap',
    segments: [A(1, 0xfffffffe, 'PA', 'ab'), A(2, 2, 'PA', 'ef'), B(3, 1, 'A', '', 4)],
    expect: {
      c1: ['a2b "ab" @1', 'a2b gap 2 @3', 'a2b "ef" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'],
    },
    stats: { 'tcp.gap': 1, 'tcp.gap-bytes': 2 },
  },
  {
    name: 'no handshake: the first segment each way sets the base; a is the first sender',
    segments: [
      B(1, 7000, 'PA', 'HTTP/1.1 200', 2000),
      A(1.5, 1999, 'A', '', 7012),
      A(2, 2000, 'PA', 'GET', 7012),
      B(3, 7012, 'PA', ' OK', 2003),
    ],
    expect: {
      c1: [
        'a2b "HTTP/1.1 200" @1',
        'b2a "GET" @2',
        'a2b " OK" @3',
        'a2b end capture-end @3',
        'b2a end capture-end @3',
      ],
    },
    stats: { 'tcp.gap': 0 },
  },
  {
    name: 'SYN with payload (TCP Fast Open), later retransmitted',
    segments: [
      A(1, 1000, 'S', 'GET /'),
      B(1.001, 5000, 'SA', '', 1001),
      A(1.002, 1001, 'A', '', 5001),
      A(1.3, 1001, 'PA', 'GET /', 5001),
      A(1.4, 1006, 'PA', ' HTTP', 5001),
    ],
    expect: {
      c1: ['a2b "GET /" @1', 'a2b " HTTP" @1.4', 'a2b end capture-end @1.4', 'b2a end capture-end @1.4'],
    },
    stats: { 'tcp.retransmission': 1, 'tcp.connections': 1 },
  },
  {
    name: 'retransmitted SYN does not start a new connection',
    segments: [A(1, 1000, 'S'), A(2, 1000, 'S'), B(2.001, 5000, 'SA', '', 1001), A(2.002, 1001, 'PA', 'x', 5001)],
    expect: { c1: ['a2b "x" @2.002', 'a2b end capture-end @2.002', 'b2a end capture-end @2.002'] },
    stats: { 'tcp.connections': 1, 'tcp.port-reuse': 0 },
  },
  {
    name: 'port reuse after a finished connection starts a new one',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'one', 5001),
      A(3, 1004, 'FA', '', 5001),
      B(3.1, 5001, 'FA', '', 1005),
      A(3.2, 1005, 'A', '', 5002),
      A(10, 9000, 'S'),
      B(10.001, 3000, 'SA', '', 9001),
      A(10.002, 9001, 'PA', 'two', 3001),
    ],
    expect: {
      c1: ['a2b "one" @2', 'a2b end fin @3', 'b2a end fin @3.1'],
      c2: ['a2b "two" @10.002', 'a2b end capture-end @10.002', 'b2a end capture-end @10.002'],
    },
    stats: { 'tcp.connections': 2, 'tcp.port-reuse': 1 },
  },
  {
    name: 'a closed connection absorbs late segments for a while (TIME_WAIT-like), then is forgotten',
    segments: [
      A(1, 1001, 'FPA', 'bye', 5001),
      B(1.1, 5001, 'FA', '', 1005),
      A(2, 1001, 'FPA', 'bye', 5002),
      A(100, 1005, 'PA', 'late', 5002),
    ],
    expect: {
      c1: ['a2b "bye" @1', 'a2b end fin @1', 'b2a end fin @1.1'],
      c2: ['a2b "late" @100', 'a2b end capture-end @100', 'b2a end capture-end @100'],
    },
    stats: { 'tcp.connections': 2, 'tcp.retransmission': 1 },
  },
  {
    name: 'a SYN with a new ISN on an open connection ends the old one',
    segments: [...handshake(), A(2, 1001, 'PA', 'one', 5001), B(2.1, 5001, 'PA', 'r', 1004), A(10, 9000, 'S')],
    open: 1,
    expect: {
      c1: ['a2b "one" @2', 'b2a "r" @2.1', 'a2b end idle @10', 'b2a end idle @10'],
      c2: ['a2b end capture-end @10', 'b2a end capture-end @10'],
    },
    stats: { 'tcp.connections': 2, 'tcp.port-reuse': 1 },
  },
  {
    name: 'peer ACKs bytes never captured: gap now, then the buffered bytes',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'abc', 5001),
      A(3, 1007, 'PA', 'ghi', 5001),
      B(4, 5001, 'A', '', 1010),
      A(5, 1004, 'PA', 'def', 5001),
      A(6, 1010, 'PA', 'j', 5001),
    ],
    expect: {
      c1: ['a2b "abc" @2', 'a2b gap 3 @4', 'a2b "ghi" @4', 'a2b "j" @6', 'a2b end capture-end @6', 'b2a end capture-end @6'],
    },
    stats: { 'tcp.gap': 1, 'tcp.gap-bytes': 3, 'tcp.retransmission': 1 },
  },
  {
    name: 'peer ACKs beyond everything we have: gap right away',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc', 5001), B(3, 5001, 'PA', 'resp', 1010), A(4, 1010, 'PA', 'jk', 5005)],
    expect: {
      c1: ['a2b "abc" @2', 'a2b gap 6 @3', 'b2a "resp" @3', 'a2b "jk" @4', 'a2b end capture-end @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.gap': 1, 'tcp.gap-bytes': 6 },
  },
  {
    name: 'an ACK of the FIN closes the hole before it and ends the direction',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc', 5001), A(3, 1007, 'FA', 'ghi', 5001), B(4, 5001, 'A', '', 1011)],
    expect: {
      c1: ['a2b "abc" @2', 'a2b gap 3 @4', 'a2b "ghi" @4', 'a2b end fin @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.gap': 1, 'tcp.gap-bytes': 3 },
  },
  {
    name: 'an implausible ACK (more than a maximal window ahead) is ignored',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc', 5001), B(3, 5001, 'A', '', 1004 + 2 ** 31 - 8)],
    expect: { c1: ['a2b "abc" @2', 'a2b end capture-end @3', 'b2a end capture-end @3'] },
    stats: { 'tcp.gap': 0, 'tcp.ack-unseen': 1 },
  },
  {
    name: 'a challenge ACK far beyond anything sent (after a SYN) is not capture loss',
    segments: [A(1, 1000, 'S'), B(1.01, 5000, 'A', '', 1000 + 976_000_000), A(1.02, 1001 + 976_000_000, 'R')],
    expect: { c1: ['a2b end reset @1.02', 'b2a end reset @1.02'] },
    stats: { 'tcp.gap': 0, 'tcp.ack-unseen': 1 },
  },
  {
    name: 'an ACK a little beyond the last byte seen is capture loss at the tail',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc', 5001), B(3, 5001, 'A', '', 1004 + 100_000)],
    expect: { c1: ['a2b "abc" @2', 'a2b gap 100000 @3', 'a2b end capture-end @3', 'b2a end capture-end @3'] },
    stats: { 'tcp.gap': 1, 'tcp.ack-unseen': 0 },
  },
  {
    name: 'a segment further ahead than any window is not part of the stream',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc', 5001), A(3, 1004 + 2 ** 30 + 1, 'PA', 'zz', 5001), A(4, 1004, 'FA', '', 5001)],
    expect: { c1: ['a2b "abc" @2', 'a2b end fin @4', 'b2a end capture-end @4'] },
    stats: { 'tcp.out-of-window': 1, 'tcp.gap': 0 },
  },
  {
    name: 'buffer overflow declares the gap up to the lowest buffered segment',
    options: { maxBufferedBytes: 4 },
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'ab'),
      A(3, 1005, 'PA', 'ef'),
      A(4, 1007, 'PA', 'gh'),
      A(5, 1010, 'PA', 'jk'),
    ],
    expect: {
      c1: [
        'a2b "ab" @2',
        'a2b gap 2 @5',
        'a2b "ef" @5',
        'a2b "gh" @5',
        'a2b gap 1 @5',
        'a2b "jk" @5',
        'a2b end capture-end @5',
        'b2a end capture-end @5',
      ],
    },
    stats: { 'tcp.buffer-overflow': 1, 'tcp.gap': 2, 'tcp.gap-bytes': 3 },
  },
  {
    name: 'one out-of-order segment larger than the buffer',
    options: { maxBufferedBytes: 2 },
    segments: [...handshake(), A(2, 1001, 'PA', 'ab'), A(3, 1005, 'PA', 'efgh')],
    expect: { c1: ['a2b "ab" @2', 'a2b gap 2 @3', 'a2b "efgh" @3', 'a2b end capture-end @3', 'b2a end capture-end @3'] },
    stats: { 'tcp.buffer-overflow': 1, 'tcp.gap-bytes': 2 },
  },
  {
    name: 'FIN waits for the hole to fill',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc'), A(3, 1007, 'FA', 'ghi'), A(4, 1004, 'PA', 'def')],
    open: 1,
    expect: {
      c1: ['a2b "abc" @2', 'a2b "def" @4', 'a2b "ghi" @4', 'a2b end fin @4', 'b2a end capture-end @4'],
    },
  },
  {
    name: 'FIN with a hole that never fills: gap at finish, still ended by fin',
    segments: [...handshake(), A(2, 1001, 'PA', 'abc'), A(3, 1007, 'FA', 'ghi')],
    finishAt: 9,
    expect: {
      c1: ['a2b "abc" @2', 'a2b gap 3 @9', 'a2b "ghi" @9', 'a2b end fin @9', 'b2a end capture-end @9'],
    },
    stats: { 'tcp.gap': 1, 'tcp.gap-bytes': 3 },
  },
  {
    name: 'FIN seen before the data in front of it',
    segments: [...handshake(), A(2, 1004, 'FA', ''), A(3, 1001, 'PA', 'abc')],
    expect: { c1: ['a2b "abc" @3', 'a2b end fin @3', 'b2a end capture-end @3'] },
  },
  {
    name: 'RST: contiguous data, then pending as gap + data, then both directions reset',
    segments: [
      ...handshake(),
      A(2, 1001, 'PA', 'abc', 5001),
      A(3, 1007, 'PA', 'ghi', 5001),
      B(3.5, 5001, 'PA', 'resp', 1004),
      B(4, 5005, 'R'),
      A(5, 1010, 'PA', 'more', 5005),
      B(5.1, 5005, 'R'),
    ],
    open: 0,
    expect: {
      c1: [
        'a2b "abc" @2',
        'b2a "resp" @3.5',
        'a2b gap 3 @4',
        'a2b "ghi" @4',
        'a2b end reset @4',
        'b2a end reset @4',
      ],
    },
    stats: { 'tcp.data-after-end': 1, 'tcp.gap': 1 },
  },
  {
    name: 'RST after one FIN: the finished direction stays fin',
    segments: [...handshake(), A(2, 1001, 'FPA', 'bye', 5001), B(3, 5001, 'RA', '', 1005)],
    expect: { c1: ['a2b "bye" @2', 'a2b end fin @2', 'b2a end reset @3'] },
  },
  {
    name: 'RST for a connection never seen is ignored',
    segments: [B(1, 5000, 'R')],
    expect: {},
    stats: { 'tcp.reset-unknown': 1, 'tcp.connections': 0 },
  },
  {
    name: 'data after FIN ignored and counted',
    segments: [...handshake(), A(2, 1001, 'FPA', 'abc', 5001), A(3, 1001, 'FPA', 'abc', 5001), A(4, 1005, 'PA', 'xyz', 5001)],
    expect: { c1: ['a2b "abc" @2', 'a2b end fin @2', 'b2a end capture-end @4'] },
    stats: { 'tcp.data-after-fin': 1, 'tcp.retransmission': 1 },
  },
  {
    name: 'data beyond a FIN not yet reached is cut at the FIN',
    segments: [...handshake(), A(2, 1004, 'FA', ''), A(3, 1004, 'PA', 'xyz'), A(4, 1001, 'PA', 'abcde')],
    expect: { c1: ['a2b "abc" @4', 'a2b end fin @4', 'b2a end capture-end @4'] },
    stats: { 'tcp.data-after-fin': 2 },
  },
  {
    name: 'idle connections flushed by capture time, once per captured second',
    options: { idleTimeoutSeconds: 10 },
    segments: [
      A(0.5, 100, 'PA', 'x'),
      seg('A', { t: 10.2, seq: 1, flags: 'PA', data: 'p' }, { a: ['10.0.0.3', 1], b: ['10.0.0.2', 80] }),
      // Idle for 10.1 s here, but the sweep for second 10 already ran at 10.2.
      seg('A', { t: 10.6, seq: 2, flags: 'PA', data: 'q' }, { a: ['10.0.0.3', 1], b: ['10.0.0.2', 80] }),
      seg('A', { t: 11, seq: 3, flags: 'PA', data: 'r' }, { a: ['10.0.0.3', 1], b: ['10.0.0.2', 80] }),
    ],
    open: 1,
    expect: {
      c1: ['a2b "x" @0.5', 'a2b end idle @11', 'b2a end idle @11'],
      c2: ['a2b "p" @10.2', 'a2b "q" @10.6', 'a2b "r" @11', 'a2b end capture-end @11', 'b2a end capture-end @11'],
    },
    stats: { 'tcp.idle-timeout': 1 },
  },
  {
    name: 'idle flush turns a pending hole into gap + data',
    options: { idleTimeoutSeconds: 5 },
    segments: [A(1, 100, 'PA', 'ab'), A(2, 104, 'PA', 'ef'), seg('A', { t: 8, seq: 1, flags: 'PA', data: 'z' }, { a: ['10.0.0.9', 9], b: ['10.0.0.2', 80] })],
    expect: {
      c1: ['a2b "ab" @1', 'a2b gap 2 @8', 'a2b "ef" @8', 'a2b end idle @8', 'b2a end idle @8'],
      c2: ['a2b "z" @8', 'a2b end capture-end @8', 'b2a end capture-end @8'],
    },
  },
  {
    name: 'maxConnections: the least recently active is evicted as idle',
    options: { maxConnections: 2 },
    segments: [
      seg('A', { t: 1, seq: 1, flags: 'PA', data: 'one' }, { a: ['10.0.0.1', 1], b: ['10.0.0.2', 80] }),
      seg('A', { t: 2, seq: 1, flags: 'PA', data: 'two' }, { a: ['10.0.0.1', 2], b: ['10.0.0.2', 80] }),
      seg('A', { t: 3, seq: 4, flags: 'PA', data: '1' }, { a: ['10.0.0.1', 1], b: ['10.0.0.2', 80] }),
      seg('A', { t: 4, seq: 1, flags: 'PA', data: 'three' }, { a: ['10.0.0.1', 3], b: ['10.0.0.2', 80] }),
    ],
    open: 2,
    expect: {
      c1: ['a2b "one" @1', 'a2b "1" @3', 'a2b end capture-end @4', 'b2a end capture-end @4'],
      c2: ['a2b "two" @2', 'a2b end idle @4', 'b2a end idle @4'],
      c3: ['a2b "three" @4', 'a2b end capture-end @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.connection-evicted': 1, 'tcp.connections': 3 },
  },
  {
    name: 'maxConnections: a closed connection is forgotten before an open one is evicted',
    options: { maxConnections: 2 },
    segments: [
      seg('A', { t: 1, seq: 1, flags: 'FPA', data: 'one' }, { a: ['10.0.0.1', 1], b: ['10.0.0.2', 80] }),
      seg('B', { t: 1.1, seq: 9, flags: 'FA', ack: 5 }, { a: ['10.0.0.1', 1], b: ['10.0.0.2', 80] }),
      seg('A', { t: 2, seq: 1, flags: 'PA', data: 'two' }, { a: ['10.0.0.1', 2], b: ['10.0.0.2', 80] }),
      seg('A', { t: 4, seq: 1, flags: 'PA', data: 'three' }, { a: ['10.0.0.1', 3], b: ['10.0.0.2', 80] }),
    ],
    open: 2,
    expect: {
      c1: ['a2b "one" @1', 'a2b end fin @1', 'b2a end fin @1.1'],
      c2: ['a2b "two" @2', 'a2b end capture-end @4', 'b2a end capture-end @4'],
      c3: ['a2b "three" @4', 'a2b end capture-end @4', 'b2a end capture-end @4'],
    },
    stats: { 'tcp.connection-evicted': 0 },
  },
];

describe('Reassembler (table)', () => {
  for (const c of cases) it(c.name, () => check(c));
});

describe('Reassembler connection info', () => {
  it('keys connections independently of direction and numbers them in first-seen order', () => {
    const x: Endpoints = { a: ['10.0.0.1', 40000], b: ['10.0.0.2', 80] };
    const y: Endpoints = { a: ['fd00::1', 40001], b: ['10.0.0.2', 80] };
    const recording = new Recording();
    const r = new Reassembler(recording.factory, new Stats(), defaultPipelineOptions);
    r.segment(seg('B', { t: 1, seq: 7, flags: 'PA', data: 'y1', ack: 1 }, y));
    r.segment(seg('A', { t: 2, seq: 1, flags: 'PA', data: 'x1' }, x));
    r.segment(seg('A', { t: 3, seq: 1, flags: 'PA', data: 'y2', ack: 9 }, y));
    r.segment(seg('B', { t: 4, seq: 50, flags: 'PA', data: 'x2', ack: 3 }, x));
    assert.equal(r.openConnections, 2);
    r.finish();
    assert.deepEqual(
      recording.handlers.map((h) => [h.info.id, h.info.a, h.info.b, h.info.initiator, h.text('a2b'), h.text('b2a')]),
      [
        ['c1', { ip: '10.0.0.2', port: 80 }, { ip: 'fd00::1', port: 40001 }, undefined, 'y1', 'y2'],
        ['c2', { ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 80 }, undefined, 'x1', 'x2'],
      ],
    );
    assert.deepEqual(recording.handlers[0].info.firstSeen, at(1));
    recording.assertEveryDirectionEndedOnce();
  });

  it('fills the handshake as it is seen', () => {
    const recording = new Recording();
    const r = new Reassembler(recording.factory, new Stats(), defaultPipelineOptions);
    for (const s of handshake(1)) r.segment(s);
    const info = recording.handlers[0].info;
    assert.deepEqual(info.a, { ip: '10.0.0.1', port: 40000 });
    assert.equal(info.initiator, 'a');
    assert.deepEqual(
      Object.fromEntries(Object.entries(info.handshake).map(([k, v]) => [k, formatTs(v)])),
      { syn: '1', synAck: '1.001', ack: '1.002' },
    );
    r.finish();
    recording.assertEveryDirectionEndedOnce();
  });

  it('a SYN-ACK seen first still names its receiver as the initiator', () => {
    const recording = new Recording();
    const r = new Reassembler(recording.factory, new Stats(), defaultPipelineOptions);
    r.segment(B(1, 5000, 'SA', '', 1001));
    // Not the handshake ACK: it acknowledges the wrong number.
    r.segment(A(1.05, 1001, 'A', '', 4000));
    r.segment(A(1.1, 1001, 'A', '', 5001));
    r.segment(A(1.2, 1001, 'PA', 'hi', 5001));
    const info = recording.handlers[0].info;
    assert.deepEqual([info.a, info.b, info.initiator], [
      { ip: '10.0.0.1', port: 40000 },
      { ip: '10.0.0.2', port: 80 },
      'a',
    ]);
    assert.deepEqual(info.handshake, { synAck: at(1), ack: at(1.1) });
    r.finish();
    assert.equal(recording.handlers[0].text('a2b'), 'hi');
    recording.assertEveryDirectionEndedOnce();
  });

  it('without a handshake, initiator is undefined and the handshake empty', () => {
    const recording = new Recording();
    const r = new Reassembler(recording.factory, new Stats(), defaultPipelineOptions);
    r.segment(A(1, 77, 'PA', 'GET / HTTP/1.1\r\n', 9));
    r.finish();
    const info = recording.handlers[0].info;
    assert.equal(info.initiator, undefined);
    assert.deepEqual(info.handshake, {});
    recording.assertEveryDirectionEndedOnce();
  });
});

describe('Reassembler stats', () => {
  it('volume counters are batched: exact after flushStats(), once per captured second, and at finish()', () => {
    const recording = new Recording();
    const stats = new Stats();
    const r = new Reassembler(recording.factory, stats, defaultPipelineOptions);
    for (const s of handshake(1)) r.segment(s);
    r.segment(A(1.5, 1001, 'PA', 'abcd', 5001));
    r.flushStats();
    assert.deepEqual([stats.get('tcp.segments'), stats.get('tcp.payload-bytes'), stats.get('tcp.connections')], [4, 4, 1]);
    r.segment(B(1.6, 5001, 'PA', 'xy', 1005));
    // The first segment of capture second 2 flushes what came before it.
    r.segment(B(2.1, 5003, 'PA', 'z', 1005));
    assert.deepEqual([stats.get('tcp.segments'), stats.get('tcp.payload-bytes')], [5, 6]);
    r.finish();
    assert.deepEqual([stats.get('tcp.segments'), stats.get('tcp.payload-bytes')], [6, 7]);
    recording.assertEveryDirectionEndedOnce();
  });
});

describe('Reassembler memory ownership', () => {
  it('copies buffered bytes: the capture buffer may be reused after segment() returns', () => {
    const recording = new Recording();
    const r = new Reassembler(recording.factory, new Stats(), defaultPipelineOptions);
    for (const s of handshake()) r.segment(s);
    const chunk = Buffer.from('....def...', 'latin1');
    r.segment(seg('A', { t: 2, seq: 1004, flags: 'PA', data: chunk.subarray(4, 7) }));
    chunk.fill(0x58); // 'X': the source reused its memory
    r.segment(A(3, 1001, 'PA', 'abc'));
    r.finish();
    assert.equal(recording.handlers[0].text('a2b'), 'abcdef');
    recording.assertEveryDirectionEndedOnce();
  });
});
