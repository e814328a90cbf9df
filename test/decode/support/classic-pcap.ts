import { readFileSync } from 'node:fs';
import type { Frame } from '../../../src/model/frame.js';

/**
 * A minimal classic-pcap reader for decode tests only (the real readers live in src/source).
 * Returns undefined for anything that is not classic pcap (pcapng and others).
 */
export function readClassicPcap(path: string): Frame[] | undefined {
  const buf = readFileSync(path);
  if (buf.length < 24) return undefined;
  const magicLe = buf.readUInt32LE(0);
  let little: boolean;
  let nano: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    little = true;
    nano = magicLe === 0xa1b23c4d;
  } else {
    const magicBe = buf.readUInt32BE(0);
    if (magicBe !== 0xa1b2c3d4 && magicBe !== 0xa1b23c4d) return undefined;
    little = false;
    nano = magicBe === 0xa1b23c4d;
  }
  const u32 = (o: number): number => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  // The link type sits in the low 16 bits (the upper bits may carry FCS information).
  const linkType = u32(20) & 0xffff;
  const frames: Frame[] = [];
  let o = 24;
  while (o + 16 <= buf.length) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const caplen = u32(o + 8);
    const wireLength = u32(o + 12);
    o += 16;
    if (o + caplen > buf.length) break;
    const data = new Uint8Array(buf.buffer, buf.byteOffset + o, caplen);
    frames.push({ ts: { sec, nsec: nano ? frac : frac * 1000 }, linkType, data, wireLength, interfaceId: 0 });
    o += caplen;
  }
  return frames;
}
