import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { FilterSyntaxError } from '../store/filter.js';

export interface FilterBarProps {
  /** The filter in force, to edit. */
  initial: string;
  /** Applies the text; returns the syntax error when it does not parse (the bar then stays open). */
  apply: (text: string) => FilterSyntaxError | undefined;
  /** After a successful apply, or on Esc (nothing changed). */
  onClose: () => void;
  width: number;
  /** An error to show at once (a filter given on the command line that did not parse). */
  initialError?: FilterSyntaxError;
}

/** Lines the bar takes: the input, the caret under an error, the message or a hint. */
export const FILTER_BAR_LINES = 3;

const PROMPT = '/ ';
const HINT = 'Enter applies · Esc cancels · e.g. status>=500  server=users  method=POST and path~/orders  latency>100ms';

/** The `/` line: type, Backspace, Enter applies, Esc cancels; a parse error shown with a caret. */
export function FilterBar({ initial, apply, onClose, width, initialError }: FilterBarProps) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<FilterSyntaxError | undefined>(initialError);
  useInput((input, key) => {
    if (key.escape) onClose();
    else if (key.return) {
      const failure = apply(text);
      if (failure === undefined) onClose();
      else setError(failure);
    } else if (key.backspace || key.delete) {
      setText((t) => t.slice(0, -1));
      setError(undefined);
    } else if (input !== '' && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.tab) {
      // Pasted text, or keys that came in one read (a held Backspace, tmux send-keys), arrive as one
      // string: Backspace/DEL characters in it erase, other controls have no place in a filter.
      const erases = (ch: string) => ch === '\x7f' || ch === '\b';
      const chars = [...input].filter((ch) => erases(ch) || ch >= ' ');
      if (chars.length > 0) {
        setText((t) => chars.reduce((out, ch) => (erases(ch) ? out.slice(0, -1) : out + ch), t));
        setError(undefined);
      }
    }
  });
  // Long expressions scroll so the end (where the user types) stays visible.
  const room = Math.max(1, width - PROMPT.length - 1);
  const start = Math.max(0, text.length - room);
  const shown = text.slice(start);
  const caret = error === undefined ? -1 : PROMPT.length + error.position - start;
  return (
    <Box flexDirection="column" width={width} height={FILTER_BAR_LINES}>
      <Text wrap="truncate">
        <Text color="cyan">{PROMPT}</Text>
        {shown}
        <Text inverse> </Text>
      </Text>
      <Text color="red" wrap="truncate">
        {caret >= PROMPT.length && caret < width ? `${' '.repeat(caret)}^` : ' '}
      </Text>
      <Text color={error === undefined ? undefined : 'red'} dimColor={error === undefined} wrap="truncate">
        {error === undefined ? HINT : `${error.message} (at ${error.position + 1})`}
      </Text>
    </Box>
  );
}
