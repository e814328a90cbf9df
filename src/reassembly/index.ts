export { Reassembler } from './reassembler.js';
export { connectionKey } from './connection-key.js';
export { seqAdd, seqDiff } from './seq.js';
