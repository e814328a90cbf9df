import { Box, Text, useInput } from 'ink';
import { useState } from 'react';

/** Every key, by where it works. The App's key handling and this list change together. */
export const HELP_SECTIONS: Array<{ title: string; keys: Array<[string, string]> }> = [
  {
    title: 'anywhere',
    keys: [
      ['space', 'pause the view (capture and the store go on); again to resume'],
      ['?', 'this help (Esc or ? closes it)'],
      ['q', 'quit'],
    ],
  },
  {
    title: 'exchange list',
    keys: [
      ['↑ ↓  PgUp PgDn  Home End', 'move the focus (leaving the newest row stops following)'],
      ['F', 'follow new exchanges again'],
      ['Enter', 'detail of the focused exchange'],
      ['/', 'filter (Enter applies, Esc cancels), e.g. status>=500  server=users  latency>100ms'],
      ['t', 'containers view: one row per client → server pair'],
      ['w', "waterfall of the focused exchange's request tree"],
      ['c', 'clear the list'],
      ['e', 'export the filtered exchanges to a HAR file'],
    ],
  },
  {
    title: 'detail',
    keys: [
      ['↑ ↓  PgUp PgDn  Home End', 'scroll'],
      ['Tab', 'request / response'],
      ['w', 'waterfall of this exchange'],
      ['Esc', 'back to the list'],
    ],
  },
  {
    title: 'containers view',
    keys: [
      ['↑ ↓  PgUp PgDn', 'move the focus'],
      ['s', 'cycle the sort: requests, rate, errors, p50, p95, p99, bytes'],
      ['Enter', "show that pair's exchanges (sets the filter)"],
      ['/', 'filter the exchanges the stats are computed over'],
      ['Esc', 'back to the list'],
    ],
  },
];

interface HelpLine {
  kind: 'title' | 'section' | 'key';
  key?: string;
  text: string;
}

const HELP_LINES: HelpLine[] = [
  { kind: 'title', text: 'hopscope keys (↑ ↓ scroll · Esc or ? closes)' },
  ...HELP_SECTIONS.flatMap((section): HelpLine[] => [
    { kind: 'section', text: section.title },
    ...section.keys.map(([key, text]): HelpLine => ({ kind: 'key', key, text })),
  ]),
];

const KEY_WIDTH = Math.max(...HELP_SECTIONS.flatMap((s) => s.keys.map(([k]) => k.length))) + 2;

export function HelpView({ width, height, isActive = true }: { width: number; height: number; isActive?: boolean }) {
  const [top, setTop] = useState(0);
  const rows = Math.max(1, height);
  const maxTop = Math.max(0, HELP_LINES.length - rows);
  useInput(
    (_input, key) => {
      if (key.upArrow) setTop((t) => Math.max(0, t - 1));
      else if (key.downArrow) setTop((t) => Math.min(maxTop, t + 1));
      else if (key.pageUp) setTop((t) => Math.max(0, t - rows));
      else if (key.pageDown) setTop((t) => Math.min(maxTop, t + rows));
    },
    { isActive },
  );
  const first = Math.min(top, maxTop);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {HELP_LINES.slice(first, first + rows).map((line, i) =>
        line.kind === 'title' ? (
          <Text key={i} bold wrap="truncate">
            {line.text}
          </Text>
        ) : line.kind === 'section' ? (
          <Text key={i} color="cyan" wrap="truncate">
            {line.text}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            {'  '}
            <Text bold>{line.key!.padEnd(KEY_WIDTH)}</Text>
            {line.text}
          </Text>
        ),
      )}
    </Box>
  );
}
