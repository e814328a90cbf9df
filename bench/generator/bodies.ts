import { gzipSync } from 'node:zlib';
import { Prng } from './prng.js';

/**
 * JSON response bodies, built once per run and reused by every response: realistic content
 * (ids, names, prices, timestamps) so gzip ratios look like a real API's, at a handful of sizes.
 */

const WORDS = [
  'alpha', 'basket', 'cobalt', 'delta', 'ember', 'fjord', 'granite', 'harbor', 'indigo', 'juniper',
  'kepler', 'lumen', 'meadow', 'nimbus', 'orchid', 'pepper', 'quartz', 'raven', 'saffron', 'tundra',
];
const STATUSES = ['active', 'pending', 'shipped', 'cancelled', 'backorder'];

function hex(prng: Prng, chars: number): string {
  let s = '';
  while (s.length < chars) s += prng.u32().toString(16).padStart(8, '0');
  return s.slice(0, chars);
}

function uuid(prng: Prng): string {
  const h = hex(prng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function item(prng: Prng, i: number): Record<string, unknown> {
  return {
    id: uuid(prng),
    name: `${prng.pick(WORDS)} ${prng.pick(WORDS)}`,
    sku: `SKU-${prng.int(10000, 99999)}`,
    price: prng.int(100, 99999) / 100,
    currency: 'EUR',
    stock: prng.int(0, 500),
    status: prng.pick(STATUSES),
    updatedAt: new Date(Date.UTC(2025, 10, 26, 9, prng.int(0, 59), prng.int(0, 59), prng.int(0, 999))).toISOString(),
    position: i,
  };
}

function listBody(items: Array<Record<string, unknown>>, cursor: string): string {
  return JSON.stringify({ data: items, page: { size: items.length, next: cursor } });
}

/** A JSON body of about `bytes` bytes (at least that many). */
export function plainBody(prng: Prng, bytes: number): Buffer {
  const cursor = hex(prng, 16);
  const items: Array<Record<string, unknown>> = [];
  let body = listBody(items, cursor);
  while (body.length < bytes) {
    items.push(item(prng, items.length));
    body = listBody(items, cursor);
  }
  return Buffer.from(body);
}

/** Gzip bytes of a JSON body whose compressed size is about `bytes` (at least that many). */
export function gzipBody(prng: Prng, bytes: number): Buffer {
  const cursor = hex(prng, 16);
  const items: Array<Record<string, unknown>> = [];
  let gz = gzipSync(listBody(items, cursor));
  while (gz.length < bytes) {
    items.push(item(prng, items.length));
    gz = gzipSync(listBody(items, cursor));
  }
  return gz;
}

/** Small bodies for errors and creations. */
export function errorBody(status: number, message: string): Buffer {
  return Buffer.from(JSON.stringify({ error: { status, message } }));
}

export function createdBody(prng: Prng): Buffer {
  return Buffer.from(JSON.stringify({ id: uuid(prng), status: 'created', createdAt: '2025-11-26T10:00:00.000Z' }));
}

/** A request body for a POST of about `bytes` bytes. */
export function requestBody(prng: Prng, bytes: number): Buffer {
  const lines: Array<Record<string, unknown>> = [];
  let body = '';
  while (body.length < bytes) {
    lines.push({ sku: `SKU-${prng.int(10000, 99999)}`, quantity: prng.int(1, 9), note: prng.pick(WORDS) });
    body = JSON.stringify({ customerId: uuid(prng), lines, currency: 'EUR' });
  }
  return Buffer.from(body);
}
