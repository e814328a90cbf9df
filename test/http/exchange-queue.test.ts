import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExchangeQueue } from '../../src/http/exchange-queue.js';
import { OpenExchange } from '../../src/http/open-exchange.js';
import { Harness } from './support/recording-sink.js';

const ex = (seq: number): OpenExchange => new OpenExchange(seq, { sec: 1, nsec: 0 });
const seqs = (q: ExchangeQueue): number[] => q.takeAll().map((e) => e.seq);

describe('ExchangeQueue', () => {
  it('is first-in first-out across slot reuse and compaction', () => {
    const q = new ExchangeQueue();
    let next = 0;
    let expected = 0;
    // Two waiting at all times for a while (pipelining that never drains), then drained.
    q.push(ex(next++));
    for (let i = 0; i < 300; i++) {
      q.push(ex(next++));
      assert.equal(q.first()?.seq, expected++);
      q.pass();
      assert.equal(q.size, 1);
    }
    assert.equal(q.first()?.seq, expected);
    q.pass();
    assert.equal(q.size, 0);
    assert.equal(q.first(), null);
    q.pass(); // nothing to pass: no effect
    q.push(ex(7));
    assert.deepEqual(seqs(q), [7]);
  });

  it('removes an exchange from the middle, and the latest slot when one is queued twice', () => {
    const q = new ExchangeQueue();
    const [a, b, c] = [ex(0), ex(1), ex(2)];
    q.push(a);
    q.push(b);
    q.push(c);
    q.pass();
    q.remove(a); // already passed: nothing changes
    assert.equal(q.size, 2);
    q.remove(b);
    assert.equal(q.first(), c);
    q.push(b);
    q.push(c);
    q.remove(c);
    assert.deepEqual(seqs(q), [2, 1]);
    assert.equal(q.size, 0);
  });
});

describe('deep pipelining', () => {
  it('150 requests before any response pair first-in first-out', () => {
    const h = new Harness();
    let requests = '';
    let responses = '';
    for (let i = 0; i < 150; i++) {
      requests += `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
      responses += `HTTP/1.1 200 OK\r\nContent-Length: ${String(i).length}\r\n\r\n${i}`;
    }
    h.client(requests).server(responses.slice(0, responses.length >> 1)).server(responses.slice(responses.length >> 1));
    const exs = h.finish();
    assert.equal(exs.length, 150);
    for (const [i, e] of exs.entries()) {
      assert.equal(e.request.head.target, `/${i}`);
      assert.equal(Buffer.from(e.response!.body.data).toString(), String(i));
      assert.equal(e.termination, 'complete');
    }
    assert.equal(h.stats.get('http.exchanges'), 150);
  });
});
