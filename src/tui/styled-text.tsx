import { Text } from 'ink';
import type { StyledLine } from './styled-line.js';

/** One styled line, cut at the edge (lines are pre-wrapped; wide characters may still overrun). */
export function StyledText({ line }: { line: StyledLine }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
