import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Segment } from '../../src/model/segment.js';
import { defaultPipelineOptions, type PipelineOptions } from '../../src/model/options.js';
import { Stats } from '../../src/model/stats.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';
import { Recording, type RecordingHandler } from './recording-handler.js';
import { seg, type Endpoints } from './segments.js';
import { mulberry32 as rng } from '../support/mulberry32.js';


const ends: Endpoints = { a: ['10.1.0.1', 50000], b: ['10.1.0.2', 8080] };

interface Scenario {
  stream: Uint8Array;
  segments: Segment[];
  /** Some stream bytes were in no captured segment. */
  dropped: boolean;
  options: PipelineOptions;
}

interface Knobs {
  drop: boolean;
  acks: boolean;
  smallBuffer: boolean;
}

/**
 * A random stream from A, cut into random segments, with retransmissions and overlapping resends
 * (of the true bytes), shuffled within a window, optionally with some segments lost by the capture
 * and with B's ACKs (never acknowledging more than A had sent by then).
 */
function scenario(seed: number, knobs: Knobs): Scenario {
  const rand = rng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const length = int(4000);
  const stream = new Uint8Array(length);
  for (let i = 0; i < length; i++) stream[i] = int(256);
  // ISNs near the wrap for a third of the seeds.
  const isn = seed % 3 === 0 ? (0x100000000 - int(3000)) >>> 0 : int(0x100000000);
  const withHandshake = rand() < 0.5;

  type Piece = { start: number; end: number; key: number; dropped: boolean };
  const pieces: Piece[] = [];
  for (let at = 0; at < length; ) {
    const n = 1 + int(300);
    pieces.push({ start: at, end: Math.min(length, at + n), key: 0, dropped: false });
    at += n;
  }
  const originals = pieces.length;
  // Retransmissions and overlapping resends of arbitrary ranges.
  const extra = int(originals);
  for (let i = 0; i < extra && length > 0; i++) {
    const start = int(length);
    pieces.push({ start, end: Math.min(length, start + 1 + int(400)), key: 0, dropped: false });
  }
  // Retransmissions come later than the original; everything moves within a window.
  const window = [1, 4, 16][int(3)];
  pieces.forEach((p, i) => {
    const base = i < originals ? i : int(originals) + 1 + int(8);
    p.key = base + rand() * window;
  });
  if (knobs.drop) for (const p of pieces) p.dropped = rand() < 0.15;
  // Without a handshake the first captured segment sets the base: it must be the stream's start.
  if (!withHandshake && pieces.length > 0) {
    pieces[0].key = -1;
    pieces[0].dropped = false;
  }
  pieces.sort((x, y) => x.key - y.key);

  const segments: Segment[] = [];
  let t = 1;
  const tick = () => (t += 0.001);
  const dataSeq = (off: number) => (isn + 1 + off) >>> 0;
  if (withHandshake) {
    segments.push(seg('A', { t: tick(), seq: isn, flags: 'S' }, ends));
    segments.push(seg('B', { t: tick(), seq: 777, flags: 'SA', ack: dataSeq(0) }, ends));
    segments.push(seg('A', { t: tick(), seq: dataSeq(0), flags: 'A', ack: 778 }, ends));
  }
  // Contiguous prefix of the bytes A has sent (captured or not), for plausible ACKs.
  const sent = new Uint8Array(length + 1);
  let prefix = 0;
  for (const p of pieces) {
    sent.fill(1, p.start, p.end);
    while (prefix < length && sent[prefix] === 1) prefix++;
    if (!p.dropped) {
      // The payload is a view into a larger buffer, as it would be in a capture chunk.
      const chunk = new Uint8Array(p.end - p.start + 20);
      chunk.set(stream.subarray(p.start, p.end), 10);
      const payload = chunk.subarray(10, 10 + p.end - p.start);
      segments.push(seg('A', { t: tick(), seq: dataSeq(p.start), flags: 'PA', data: payload, ack: 778 }, ends));
    }
    if (knobs.acks && rand() < 0.3) {
      segments.push(seg('B', { t: tick(), seq: 778, flags: 'A', ack: dataSeq(prefix) }, ends));
    }
  }
  const dropped = sent.subarray(0, length).some((_, i) => !pieces.some((p) => !p.dropped && p.start <= i && i < p.end));
  segments.push(seg('A', { t: tick(), seq: dataSeq(length), flags: 'FA', ack: 778 }, ends));
  const options = { ...defaultPipelineOptions, maxBufferedBytes: knobs.smallBuffer ? 1 + int(600) : 1 << 20 };
  return { stream, segments, dropped, options };
}

/** Walks the a2b events: every data byte matches the stream at its offset; gaps account for the rest. */
function checkStream(h: RecordingHandler, stream: Uint8Array): { delivered: number; lost: number } {
  let offset = 0;
  let delivered = 0;
  let lost = 0;
  let ended = false;
  for (const e of h.events) {
    if (e.direction !== 'a2b') continue;
    assert.ok(!ended, 'event after end');
    if (e.kind === 'data') {
      assert.ok(offset + e.bytes.length <= stream.length, 'data beyond the stream');
      assert.deepEqual(e.bytes, stream.subarray(offset, offset + e.bytes.length), `bytes at offset ${offset}`);
      offset += e.bytes.length;
      delivered += e.bytes.length;
    } else if (e.kind === 'gap') {
      offset += e.lost;
      lost += e.lost;
    } else {
      assert.equal(e.reason, 'fin');
      ended = true;
    }
  }
  assert.ok(ended, 'a2b ended');
  assert.equal(offset, stream.length, 'delivered + lost = stream length');
  return { delivered, lost };
}

function replay(s: Scenario): { recording: Recording; stats: Stats } {
  const recording = new Recording();
  const stats = new Stats();
  const r = new Reassembler(recording.factory, stats, s.options);
  for (const x of s.segments) r.segment(x);
  r.finish();
  return { recording, stats };
}

const SEEDS = 300;

describe('Reassembler (property)', () => {
  it('shuffled, duplicated, overlapping segments: exactly the original bytes', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const s = scenario(seed, { drop: false, acks: seed % 2 === 0, smallBuffer: false });
      const { recording, stats } = replay(s);
      assert.equal(recording.handlers.length, 1, `seed ${seed}`);
      const h = recording.handlers[0];
      assert.equal(h.text('a2b'), Buffer.from(s.stream).toString('latin1'), `seed ${seed}`);
      assert.equal(stats.get('tcp.gap'), 0, `seed ${seed}`);
      checkStream(h, s.stream);
      recording.assertEveryDirectionEndedOnce();
    }
  });

  it('with segments lost: the original bytes minus gaps whose lengths add up', () => {
    let withLoss = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const acks = seed % 2 === 0;
      const s = scenario(seed, { drop: true, acks, smallBuffer: false });
      const { recording, stats } = replay(s);
      const { lost } = checkStream(recording.handlers[0], s.stream);
      assert.equal(lost, stats.get('tcp.gap-bytes'), `seed ${seed}`);
      if (s.dropped) {
        withLoss++;
        assert.ok(lost > 0, `seed ${seed}: bytes were lost but no gap declared`);
      } else if (!acks) {
        // (With ACKs, an ACK may cover a lost original before a resend of it is captured: that
        // resend then comes too late, and the gap is right.)
        assert.equal(lost, 0, `seed ${seed}`);
      }
      recording.assertEveryDirectionEndedOnce();
    }
    assert.ok(withLoss > SEEDS / 2, 'the generator lost bytes often enough to test something');
  });

  it('with a small reorder buffer: overflow gaps, and still every byte where it belongs', () => {
    let overflows = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const s = scenario(seed, { drop: seed % 2 === 0, acks: seed % 3 === 0, smallBuffer: true });
      const { recording, stats } = replay(s);
      const { lost } = checkStream(recording.handlers[0], s.stream);
      assert.equal(lost, stats.get('tcp.gap-bytes'), `seed ${seed}`);
      if (stats.get('tcp.buffer-overflow') > 0) overflows++;
      recording.assertEveryDirectionEndedOnce();
    }
    assert.ok(overflows > 0, 'some scenarios overflowed the buffer');
  });
});

describe('Reassembler (fuzz)', () => {
  it('random segments never throw and keep the handler contract', () => {
    const flagChoices = ['S', 'SA', 'A', 'PA', 'FA', 'R', 'RA', 'FPA', '.', 'SF', 'SR'];
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed * 7919);
      const int = (n: number) => Math.floor(rand() * n);
      const recording = new Recording();
      const options: PipelineOptions = {
        ...defaultPipelineOptions,
        maxBufferedBytes: int(2000),
        maxConnections: 1 + int(4),
        idleTimeoutSeconds: 1 + int(5),
      };
      const r = new Reassembler(recording.factory, new Stats(), options);
      const bases = [int(0x100000000), int(0x100000000)];
      let t = 1000;
      for (let i = 0; i < 400; i++) {
        t += rand() < 0.05 ? rand() * 8 : rand() * 0.01;
        const from = rand() < 0.5 ? 'A' : 'B';
        const port = 1 + int(5);
        const near = rand() < 0.8;
        const base = bases[from === 'A' ? 0 : 1];
        const payload = new Uint8Array(rand() < 0.4 ? 0 : int(200));
        for (let j = 0; j < payload.length; j++) payload[j] = int(256);
        r.segment(
          seg(
            from,
            {
              t,
              seq: near ? (base + int(3000)) >>> 0 : int(0x100000000),
              ack: near ? (bases[from === 'A' ? 1 : 0] + int(3000)) >>> 0 : int(0x100000000),
              flags: flagChoices[int(flagChoices.length)],
              data: payload,
              window: int(3) === 0 ? 0 : 65535,
            },
            { a: ['10.2.0.1', port], b: ['10.2.0.2', 80] },
          ),
        );
        assert.ok(r.openConnections <= options.maxConnections);
      }
      r.finish();
      assert.equal(r.openConnections, 0);
      recording.assertEveryDirectionEndedOnce();
    }
  });
});
