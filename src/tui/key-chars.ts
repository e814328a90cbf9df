import type { Key } from 'ink';

/**
 * Ink passes printable characters that arrive in one read as one input ("ssss" when a key is held
 * or tmux sends several): command keys are handled one character at a time. Text inputs (the filter
 * bar) take the string whole instead.
 */
export function eachKey(input: string, key: Key, handle: (input: string, key: Key) => void): void {
  if (input.length > 1 && !key.ctrl && !key.meta && !/[\x00-\x1f\x7f]/.test(input)) {
    for (const ch of input) handle(ch, key);
  } else {
    handle(input, key);
  }
}
