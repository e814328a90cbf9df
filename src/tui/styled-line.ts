/** A piece of text with one style; a line is a list of them. Pure data, rendered by <StyledText>. */
export interface Span {
  text: string;
  color?: 'red' | 'yellow' | 'green' | 'cyan' | 'magenta' | 'blue' | 'gray';
  bold?: boolean;
  dim?: boolean;
}

export type StyledLine = Span[];

export function span(text: string, style: Omit<Span, 'text'> = {}): Span {
  return { text, ...style };
}

export function lineText(line: StyledLine): string {
  return line.map((s) => s.text).join('');
}

/**
 * Cuts a line into lines of at most `width` characters (by UTF-16 unit; text from traffic has had its
 * control characters escaped, so every unit is one cell except wide characters, which the renderer
 * truncates), keeping each piece's style.
 */
export function wrapLine(line: StyledLine, width: number): StyledLine[] {
  const limit = Math.max(1, width);
  const out: StyledLine[] = [];
  let current: StyledLine = [];
  let used = 0;
  for (const piece of line) {
    let text = piece.text;
    while (text.length > 0) {
      const room = limit - used;
      if (room === 0) {
        out.push(current);
        current = [];
        used = 0;
        continue;
      }
      const part = text.slice(0, room);
      current.push({ ...piece, text: part });
      used += part.length;
      text = text.slice(part.length);
    }
  }
  out.push(current);
  return out;
}

export function wrapLines(lines: StyledLine[], width: number): StyledLine[] {
  const out: StyledLine[] = [];
  for (const line of lines) {
    if (lineText(line).length <= width) out.push(line);
    else out.push(...wrapLine(line, width));
  }
  return out;
}
