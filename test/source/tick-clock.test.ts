import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickClock } from '../../src/source/tick-clock.js';
import { prng } from './recorder.js';

function reference(ticks: bigint, tsresol: number, offset: number): { sec: number; nsec: number } {
  const perSec = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return { sec: Number(ticks / perSec) + offset, nsec: Number(((ticks % perSec) * 1_000_000_000n) / perSec) };
}

describe('TickClock', () => {
  it('matches BigInt arithmetic for random 64-bit tick counts at every resolution', () => {
    const random = prng(7);
    const word = (): number => Math.floor(random() * 4294967296);
    const resolutions = [0, 1, 3, 6, 9, 10, 12, 19, 0x80, 0x80 | 1, 0x80 | 10, 0x80 | 23, 0x80 | 24, 0x80 | 32, 0x80 | 63];
    for (const tsresol of resolutions) {
      const clock = new TickClock(tsresol, 0);
      for (let i = 0; i < 3000; i++) {
        // Mix small, around 2^53 and full-range high words: both arithmetic paths and their border.
        const high = i % 3 === 0 ? word() : i % 3 === 1 ? Math.floor(random() * 0x400000) : 0x1fffff + (i % 5) - 2;
        const low = word();
        const ticks = (BigInt(high) << 32n) | BigInt(low);
        assert.deepEqual(clock.at(high, low), reference(ticks, tsresol, 0), `tsresol ${tsresol} ticks ${ticks}`);
      }
    }
  });

  it('gets exact multiples and the last tick of a second right', () => {
    const clock = new TickClock(9, 0);
    for (const ticks of [0n, 999_999_999n, 1_000_000_000n, 1_732_650_000_999_999_999n, 0xffff_ffff_ffff_ffffn]) {
      assert.deepEqual(clock.at(Number(ticks >> 32n), Number(ticks & 0xffffffffn)), reference(ticks, 9, 0));
    }
  });

  it('adds the offset in seconds', () => {
    assert.deepEqual(new TickClock(6, -10).at(0, 2_500_000), { sec: -8, nsec: 500_000_000 });
  });
});
