// A child process that captures with the live addon directly (no CLI): `node --import tsx
// capture-probe.ts IFACE BUFFER_BYTES`. Prints "ready" once capturing, counts frames, and on SIGINT stops
// and prints its DeviceStats as one JSON line. Run as its own process so a test can SIGSTOP it: a
// stopped process stops its capture thread too, and the kernel ring fills.
import { openLiveCapture } from '../../../src/source/live/index.js';

const [device, bufferText] = process.argv.slice(2);
let frames = 0;
const capture = openLiveCapture(
  { devices: [device], bufferBytes: Number(bufferText) },
  {
    frames: (batch) => {
      frames += batch.length;
    },
    error: (error) => {
      process.stderr.write(`capture-probe: ${error.message}\n`);
      process.exit(1);
    },
  },
);
process.stdout.write('ready\n');
process.once('SIGINT', () => {
  void capture.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ frames, stats: capture.stats() })}\n`);
  });
});
