import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Direction, EndReason } from '../../src/model/connection.js';
import { bytes, connectionInfo, Harness, ts } from './support/recording-sink.js';
import { mulberry32 as prng } from '../support/mulberry32.js';


const VALID_CLIENT =
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n' +
  'POST /u HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello' +
  'PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n' +
  'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const VALID_SERVER =
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc' +
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n' +
  'HTTP/1.1 204 No Content\r\n\r\n' +
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi';

function randomSlices(data: Uint8Array, rand: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    const n = 1 + Math.floor(rand() * 40);
    out.push(data.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

function mutate(data: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(data);
  const edits = Math.floor(rand() * 6);
  for (let i = 0; i < edits; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out.subarray(0, Math.floor(rand() * (out.length + 1)));
}

describe('fuzz-ish: bad input never throws and every begun seq is closed once', () => {
  it('random bytes', () => {
    const rand = prng(1);
    for (let round = 0; round < 300; round++) {
      const h = new Harness({ maxBody: 64, maxHeadBytes: 1024 }, connectionInfo('f', rand() < 0.5));
      for (let i = 0; i < 20; i++) {
        const n = Math.floor(rand() * 200);
        const chunk = new Uint8Array(n);
        for (let j = 0; j < n; j++) chunk[j] = rand() < 0.3 ? [10, 13, 32, 72, 58][Math.floor(rand() * 5)] : Math.floor(rand() * 256);
        const dir: Direction = rand() < 0.5 ? 'a2b' : 'b2a';
        if (rand() < 0.1) h.gap(dir, Math.floor(rand() * 100));
        else h.send(dir, chunk);
      }
      h.finish((['fin', 'reset', 'idle', 'capture-end'] as EndReason[])[round % 4]);
    }
  });

  it('random truncations, mutations, splits and gaps of valid messages', () => {
    const rand = prng(2);
    const client = bytes(VALID_CLIENT);
    const server = bytes(VALID_SERVER);
    let exchanges = 0;
    for (let round = 0; round < 500; round++) {
      const h = new Harness({ maxBody: 4 }, connectionInfo('t', rand() < 0.5));
      const c = randomSlices(round % 3 === 0 ? client : mutate(client, rand), rand);
      const s = randomSlices(round % 3 === 0 ? server : mutate(server, rand), rand);
      let clock = 0;
      while (c.length > 0 || s.length > 0) {
        const fromClient = s.length === 0 || (c.length > 0 && rand() < 0.5);
        const dir: Direction = fromClient ? 'a2b' : 'b2a';
        const chunk = (fromClient ? c : s).shift()!;
        if (rand() < 0.05) h.handler.gap(dir, chunk.length, ts(100, clock++));
        else h.handler.data(dir, chunk, ts(100, clock++));
      }
      const exs = h.finish((['fin', 'reset', 'idle', 'capture-end'] as EndReason[])[round % 4]);
      exchanges += exs.length;
      for (const ex of exs) {
        assert.ok(ex.request.body.data.length <= 4);
        assert.ok(ex.request.body.size >= ex.request.body.data.length);
      }
    }
    assert.ok(exchanges > 500, `valid inputs produced exchanges (${exchanges})`);
  });

  it('random splits, mutations and gaps of HTTP/0.9, malformed request lines, CONNECT tunnels and HTTP/2 prefaces', () => {
    const pairs: Array<[string, string]> = [
      ['GET /\r\n\r\nOPTIONS HTTP/1.1\nHost: a\n\nGET/ HTTP/1.1\r\n\r\n', '<html>raw</html>\n'],
      ['POST abcd\nGET / HTTP/1.\r\n\r\nT / HTTP\r\n\r\n', 'HTTP/1.1 400 Bad\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n'],
      ['CONNECT a:80 HTTP/1.1\r\n\r\nGET /in HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'],
      ['CONNECT a:443 HTTP/1.1\r\n\r\n\x16\x03\x01\x00\x05hello', 'HTTP/1.1 200 OK\r\n\r\n\x16\x03\x03\x00\x01x'],
      ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00', '\x00\x00\x00\x04\x01\x00\x00\x00\x00'],
      ['GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\n\r\n\x00\x00'],
    ];
    const rand = prng(3);
    for (let round = 0; round < 600; round++) {
      const [clientText, serverText] = pairs[round % pairs.length];
      const h = new Harness({ maxBody: 8 }, connectionInfo('p', rand() < 0.7));
      const c = randomSlices(round % 4 === 0 ? bytes(clientText) : mutate(bytes(clientText), rand), rand);
      const s = randomSlices(round % 4 === 0 ? bytes(serverText) : mutate(bytes(serverText), rand), rand);
      let clock = 0;
      while (c.length > 0 || s.length > 0) {
        const fromClient = s.length === 0 || (c.length > 0 && rand() < 0.5);
        const dir: Direction = fromClient ? 'a2b' : 'b2a';
        const chunk = (fromClient ? c : s).shift()!;
        if (rand() < 0.05) h.handler.gap(dir, chunk.length, ts(100, clock++));
        else h.handler.data(dir, chunk, ts(100, clock++));
      }
      h.finish((['fin', 'reset', 'idle', 'capture-end'] as EndReason[])[round % 4]);
    }
  });
});
