import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { Stats } from '../../src/model/stats.js';
import { readCapture } from '../../src/source/read-capture.js';
import { sharedCaptures, skipUnless } from '../support/paths.js';

const skip = skipUnless(sharedCaptures !== undefined, 'shared captures (../shared/captures) are absent');

/**
 * The shared captures that are not classic microsecond pcap, read with the project's reader.
 * Expected: tshark's count of TCP frames and the sum of their tcp.len
 * (tshark -r FILE -Y tcp -T fields -e tcp.len -e frame.len -e frame.cap_len), minus the bytes a
 * snapshot length cut off (tshark counts what the headers claim; a segment holds what was captured).
 */
const expected: [file: string, tcpFrames: number, payloadBytes: number, snaplenCut: number][] = [
  ['pcapplusplus/HttpMalformedResponse.pcapng', 1, 491, 0],
  ['pcapplusplus/nanosecs_big_endian.pcap', 10, 1522, 0],
  // Interfaces with Ethernet and Linux SLL; 39 frames cut at 128 bytes: tcp.len sums to 46679.
  ['pcapplusplus/pcapng-example.pcapng', 159, 7289, 39],
  ['zeek/http__cooper-grill-dvwa.pcapng', 48, 16649, 0],
  ['zeek/http__zeek-image-1080-80-x.pcapng', 17, 6137, 0],
  ['zeek/tcp__http-on-irc-port-missing-syn.pcapng', 13, 5143, 0],
  ['zeek/websocket__oversized-close-frame.pcapng', 8, 551, 0],
];

for (const [file, tcpFrames, payloadBytes, snaplenCut] of expected) {
  test(`TCP segments and payload bytes match tshark: ${file}`, { skip }, async () => {
    const stats = new Stats();
    const decoder = new FrameDecoder(stats);
    let segments = 0;
    let bytes = 0;
    await readCapture(
      join(sharedCaptures!, file),
      {
        frame(frame) {
          const s = decoder.decode(frame);
          if (s === undefined) return;
          segments++;
          bytes += s.payload.length;
        },
        interface() {},
        nameRecord() {},
        warning() {},
      },
      stats,
    );
    assert.deepEqual(
      { segments, bytes, cut: stats.get('decode.snaplen-truncated') },
      { segments: tcpFrames, bytes: payloadBytes, cut: snaplenCut },
    );
  });
}
