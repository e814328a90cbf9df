/** The capture formats a reader recognises by their first four bytes (never by the file name). */
export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

export interface SniffedFormat {
  format: CaptureFormat;
  /** Byte order of classic pcap headers (pcapng decides per section). */
  littleEndian: boolean;
}

/** The format named by the magic number in bytes[0..4), or undefined. */
export function sniffFormat(bytes: Uint8Array): SniffedFormat | undefined {
  const be = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  switch (be) {
    case 0xa1b2c3d4:
      return { format: 'pcap', littleEndian: false };
    case 0xd4c3b2a1:
      return { format: 'pcap', littleEndian: true };
    case 0xa1b23c4d:
      return { format: 'pcap-ns', littleEndian: false };
    case 0x4d3cb2a1:
      return { format: 'pcap-ns', littleEndian: true };
    case 0x0a0d0d0a:
      return { format: 'pcapng', littleEndian: true };
    default:
      return undefined;
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** What the first bytes of a non-capture look like ("looks like …", to follow "which"), with a hint on what to do. */
export function describeContent(bytes: Uint8Array): string {
  if (startsWith(bytes, [0x1f, 0x8b])) return 'looks like gzip-compressed data; decompress it first (gunzip -k FILE)';
  if (startsWith(bytes, ascii('BZh'))) return 'looks like bzip2-compressed data; decompress it first (bunzip2 -k FILE)';
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'looks like xz-compressed data; decompress it first (unxz -k FILE)';
  if (startsWith(bytes, [0x28, 0xb5, 0x2f, 0xfd])) return 'looks like zstd-compressed data; decompress it first (unzstd FILE)';
  if (startsWith(bytes, ascii('PK\x03\x04'))) return 'looks like a zip archive; extract the capture from it first';
  if (startsWith(bytes, [0xa1, 0xb2, 0xcd, 0x34]) || startsWith(bytes, [0x34, 0xcd, 0xb2, 0xa1])) {
    return 'looks like a modified (Kuznetzov) pcap; convert it with editcap -F pcap IN OUT';
  }
  if (startsWith(bytes, ascii('snoop\0'))) return 'looks like a Solaris snoop capture; convert it with editcap -F pcap IN OUT';
  if (startsWith(bytes, ascii('GMBU'))) return 'looks like a Microsoft Network Monitor capture; convert it with editcap -F pcap IN OUT';
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'looks like an ELF executable';
  const text = printableText(bytes);
  if (text !== undefined) {
    const trimmed = text.trimStart().toLowerCase();
    if (trimmed.startsWith('<!doctype html') || trimmed.startsWith('<html')) return 'looks like HTML (a web page saved instead of the capture?)';
    if (trimmed.startsWith('<?xml') || trimmed.startsWith('<')) return 'looks like XML/HTML text';
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'looks like JSON text';
    return 'looks like text (tcpdump output without -w, or a hex dump?)';
  }
  return 'is no capture format hopscope knows';
}

/** The bytes as text if they are printable ASCII/UTF-8 (an incomplete trailing character is allowed). */
function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
    if (b === 0x7f) return undefined;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // U+FFFD only at the very end (a character cut by the sample) still counts as text.
  return text.replace(/\uFFFD+$/, '').includes('\uFFFD') ? undefined : text;
}

/** "3c 21 44 4f" and, when printable, the characters too: `3c 21 44 4f ("<!DO")`. */
export function showBytes(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const chars = [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return /[A-Za-z0-9<{[]/.test(chars) ? `${hex} ("${chars}")` : hex;
}
