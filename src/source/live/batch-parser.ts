import type { Frame } from '../../model/frame.js';
import { RECORD_HEADER_BYTES } from './native-addon.js';

const TWO_TO_32 = 4294967296;

/**
 * Turns one batch from the addon into frames without copying packet bytes: each Frame.data is a view
 * into `batch`, which the addon allocated for this batch alone and never touches again.
 * Records (native/src/batch.h): six uint32 in native byte order (interface index, ts seconds low,
 * ts seconds high, ts nanoseconds, captured length, wire length), then the bytes padded to 8.
 * `delivered[i]` is incremented for every frame of interface i.
 */
export function parseBatch(batch: ArrayBuffer, packets: number, linkTypes: readonly number[], delivered: number[]): Frame[] {
  const words = new Uint32Array(batch, 0, batch.byteLength >>> 2);
  const frames: Frame[] = new Array<Frame>(packets);
  const end = batch.byteLength;
  let offset = 0;
  let count = 0;
  while (count < packets && offset + RECORD_HEADER_BYTES <= end) {
    const w = offset >>> 2;
    const interfaceId = words[w];
    const capturedLength = words[w + 4];
    frames[count] = {
      ts: { sec: words[w + 2] * TWO_TO_32 + words[w + 1], nsec: words[w + 3] },
      linkType: linkTypes[interfaceId],
      data: new Uint8Array(batch, offset + RECORD_HEADER_BYTES, capturedLength),
      wireLength: words[w + 5],
      interfaceId,
    };
    delivered[interfaceId] += 1;
    count += 1;
    offset += RECORD_HEADER_BYTES + ((capturedLength + 7) & ~7);
  }
  frames.length = count;
  return frames;
}
