import { openSync } from 'node:fs';
import { HopscopeError } from '../model/errors.js';

/**
 * Opens (creates or truncates) an output file now, so that a bad path fails before capture starts
 * with a message naming it, rather than as a stream error after the first packets.
 */
export function openForWriting(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new HopscopeError('output-unwritable', `cannot write ${path}: ${detail}`);
  }
}
