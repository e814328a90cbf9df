import { printable } from '../sinks/table-sink.js';
import { span, type Span, type StyledLine } from './styled-line.js';

interface Token {
  kind: 'open' | 'close' | 'comma' | 'colon' | 'string' | 'literal';
  text: string;
}

const PUNCTUATION: Record<string, Token['kind']> = { '{': 'open', '[': 'open', '}': 'close', ']': 'close', ',': 'comma', ':': 'colon' };

/**
 * Tokens as written, never parsed into values: a number is shown with the digits that were sent
 * (JSON.parse would round 64-bit ids), and a body cut by the capture cap still lays out up to the cut.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') {
      i++;
    } else if (PUNCTUATION[ch] !== undefined) {
      tokens.push({ kind: PUNCTUATION[ch], text: ch });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: text.slice(i, Math.min(text.length, j + 1)) });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !' \n\r\t"'.includes(text[j]) && PUNCTUATION[text[j]] === undefined) j++;
      tokens.push({ kind: 'literal', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function literalSpan(text: string): Span {
  if (text === 'true' || text === 'false' || text === 'null') return span(text, { color: 'magenta' });
  if (/^-?\d/.test(text)) return span(text, { color: 'yellow' });
  return span(printable(text), { color: 'red' });
}

/** JSON text pretty-printed with two-space indentation: keys cyan, strings green, numbers yellow. */
export function jsonLines(text: string): StyledLine[] {
  const tokens = tokenize(text);
  const lines: StyledLine[] = [];
  let depth = 0;
  let current: StyledLine = [];
  const newline = () => {
    if (current.length > 0) lines.push(current);
    current = depth > 0 ? [span('  '.repeat(depth))] : [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const next = tokens[i + 1];
    switch (token.kind) {
      case 'open':
        if (next?.kind === 'close') {
          current.push(span(token.text + next.text));
          i++;
          if (depth === 0) newline();
        } else {
          current.push(span(token.text));
          depth++;
          newline();
        }
        break;
      case 'close':
        depth = Math.max(0, depth - 1);
        if (current.some((s) => s.text.trim() !== '')) newline();
        else current = depth > 0 ? [span('  '.repeat(depth))] : [];
        current.push(span(token.text));
        if (depth === 0) newline();
        break;
      case 'comma':
        current.push(span(','));
        newline();
        break;
      case 'colon':
        current.push(span(': '));
        break;
      case 'string':
        current.push(span(printable(token.text), { color: next?.kind === 'colon' ? 'cyan' : 'green' }));
        if (depth === 0 && next?.kind !== 'colon') newline();
        break;
      default:
        current.push(literalSpan(token.text));
        if (depth === 0) newline();
    }
  }
  if (current.some((s) => s.text.trim() !== '')) lines.push(current);
  return lines;
}
