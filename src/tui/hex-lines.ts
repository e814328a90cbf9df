import { span, type StyledLine } from './styled-line.js';

function hex2(byte: number): string {
  return byte < 16 ? `0${byte.toString(16)}` : byte.toString(16);
}

/**
 * A hex dump: offset, bytes in hex (a gap after each 8), the printable ASCII. 16 bytes a line from
 * 78 columns, else 8.
 */
export function hexLines(bytes: Uint8Array, width: number): StyledLine[] {
  const perLine = width >= 78 ? 16 : 8;
  const lines: StyledLine[] = [];
  for (let offset = 0; offset < bytes.length; offset += perLine) {
    const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + perLine));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < perLine; i++) {
      if (i === 8) hex += ' ';
      if (i < chunk.length) {
        const b = chunk[i];
        hex += `${hex2(b)} `;
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push([span(offset.toString(16).padStart(8, '0'), { dim: true }), span(`  ${hex} `), span(`|${ascii}|`, { color: 'cyan' })]);
  }
  return lines;
}
