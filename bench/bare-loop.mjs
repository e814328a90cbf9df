// The floor for reading a capture in Node: pcap-parser's packet events, counting packets and bytes
// and nothing else. Plain JavaScript (no tsx) so its start-up and memory compare fairly with dist/.
// Usage: node --no-deprecation bench/bare-loop.mjs FILE   → prints {"packets":N,"bytes":N}
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser');

const parser = pcapParser.parse(process.argv[2]);
let packets = 0;
let bytes = 0;
parser.on('packet', (packet) => {
  packets++;
  bytes += packet.header.capturedLength;
});
parser.on('end', () => {
  process.stdout.write(`${JSON.stringify({ packets, bytes })}\n`);
});
parser.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
