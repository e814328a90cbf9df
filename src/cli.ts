#!/usr/bin/env node
import { main } from './cli/main.js';

// A reader that closes the pipe early (`hopscope read big.pcap | head`) ends the run, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
