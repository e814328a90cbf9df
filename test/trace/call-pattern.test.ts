import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, hops, type HopSpec } from './support/hops.js';

// Times are ms. Learnt call patterns: which calls an endpoint owes, and since when.

/** /fan calls users and orders in parallel; /seq calls users, then orders, then users. Alone, one at a time. */
function alone(count: number): HopSpec[] {
  const specs: HopSpec[] = [];
  for (let i = 0; i < count; i++) {
    const t = i * 100;
    specs.push({ from: 'client', to: 'gateway', target: `/fan/${i}`, times: [t, t + 0.1, t + 20, t + 21] });
    specs.push({ from: 'gateway', to: 'users', target: `/users/${i}`, times: [t + 0.5, t + 0.6, t + 5, t + 6] });
    specs.push({ from: 'gateway', to: 'orders', target: `/orders/${i}`, times: [t + 0.7, t + 0.8, t + 18, t + 19] });
    specs.push({ from: 'client', to: 'gateway', target: `/seq/${i}`, times: [t + 50, t + 50.1, t + 80, t + 81] });
    specs.push({ from: 'gateway', to: 'users', target: `/users/${i + 10}`, times: [t + 50.5, t + 50.6, t + 55, t + 56] });
    specs.push({ from: 'gateway', to: 'orders', target: `/orders/${i + 10}`, times: [t + 56.5, t + 56.6, t + 65, t + 66] });
    specs.push({ from: 'gateway', to: 'users', target: `/users/${i + 20}`, times: [t + 66.5, t + 66.6, t + 78, t + 79] });
  }
  return specs;
}

describe('call patterns', () => {
  it('gives a queued call to the request that has owed such a call longest, which gaps alone get wrong', () => {
    const specs = alone(4);
    // Then three /fan at once; their calls to orders wait for one pooled connection (each starts as the
    // previous one ends), long after the requests arrived. Their users calls return early.
    const t = 1000;
    specs.push({ from: 'client', to: 'gateway', target: '/fan/91', times: [t, t + 0.1, t + 40, t + 41] });
    specs.push({ from: 'client', to: 'gateway', target: '/fan/92', times: [t + 1, t + 1.1, t + 60, t + 61] });
    specs.push({ from: 'client', to: 'gateway', target: '/fan/93', times: [t + 2, t + 2.1, t + 80, t + 81] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/91', times: [t + 0.5, t + 0.6, t + 2.5, t + 3] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/92', times: [t + 1.5, t + 1.6, t + 4, t + 4.5] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/93', times: [t + 2.5, t + 2.6, t + 5, t + 6] });
    const pool = { connectionId: 'pool' };
    specs.push({ ...pool, from: 'gateway', to: 'orders', target: '/orders/91', times: [t + 10, t + 10.1, t + 20, t + 20.5] });
    specs.push({ ...pool, from: 'gateway', to: 'orders', target: '/orders/92', times: [t + 20.6, t + 20.7, t + 40, t + 40.5] });
    specs.push({ ...pool, from: 'gateway', to: 'orders', target: '/orders/93', times: [t + 40.6, t + 40.7, t + 60, t + 60.5] });
    const { parents, links } = build(hops(specs));
    for (const link of links.values()) assert.ok(link.confidence >= 0 && link.confidence <= 1, `confidence ${link.confidence}`);
    assert.equal(parents.get('/orders/91'), '/fan/91');
    assert.equal(parents.get('/orders/92'), '/fan/92');
    assert.equal(parents.get('/orders/93'), '/fan/93');
    // Without patterns the latest event wins: /fan/93's users call returned last before /orders/x.
    const plain = build(hops(specs), { learnCallGraph: false }).parents;
    assert.notEqual(plain.get('/orders/91'), '/fan/91');
  });

  it('learns that a sequential call is owed only once the call before it returned', () => {
    const specs = alone(4);
    // A /seq and a /fan open together: the call to orders starts before /seq's users call returned, so
    // only /fan owes it, although /seq arrived first.
    const t = 1000;
    specs.push({ from: 'client', to: 'gateway', target: '/seq/94', times: [t, t + 0.1, t + 60, t + 61] });
    specs.push({ from: 'client', to: 'gateway', target: '/fan/91', times: [t + 1, t + 1.1, t + 30, t + 31] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/94', times: [t + 0.5, t + 0.6, t + 9, t + 10] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/91', times: [t + 1.5, t + 1.6, t + 6, t + 7] });
    specs.push({ from: 'gateway', to: 'orders', target: '/orders/91', times: [t + 8, t + 8.1, t + 28, t + 29] });
    const { parents, links } = build(hops(specs));
    for (const link of links.values()) assert.ok(link.confidence >= 0 && link.confidence <= 1, `confidence ${link.confidence}`);
    assert.equal(parents.get('/orders/91'), '/fan/91');
    assert.equal(parents.get('/users/94'), '/seq/94');
  });
});
