/**
 * hopscope's pcapng Custom Blocks: a JSON document that travels inside a capture (the container timeline,
 * later). The block body after the Private Enterprise Number is the UTF-8 text of
 *   {"hopscope":"<kind>","data":<value>}
 * padded to a 32-bit boundary with spaces, so the whole custom-data area is valid JSON as it stands:
 * a reader need not know the unpadded length (pcapng does not record it). hopscope writes no options
 * after the custom data.
 *
 * Private Enterprise Number: 32473, IANA's "Example Enterprise Number for Documentation Use" (RFC 5612).
 * pcapng requires a PEN so that readers can tell whose block it is; hopscope has no registered PEN yet, and
 * 0 is IANA-reserved ("Reserved"), so 32473 — documented and never assigned to any organisation — is the
 * honest placeholder. The "hopscope" key inside the
 * JSON makes our blocks recognisable even if someone else uses 32473. Registering a PEN (free, at IANA)
 * and switching HOPSCOPE_PEN is a one-line change; readers should accept both.
 */
export const HOPSCOPE_PEN = 32473;

/** pcapng Custom Block types: copyable (other tools keep it when they rewrite a file) or not. */
export const CUSTOM_BLOCK_COPYABLE = 0x00000bad;
export const CUSTOM_BLOCK_NO_COPY = 0x40000bad;

export interface HopscopeJsonBlock {
  kind: string;
  data: unknown;
}

/** The padded custom-data bytes for one JSON block. */
export function encodeJsonBlockData(kind: string, data: unknown): Buffer {
  const text = JSON.stringify({ hopscope: kind, data });
  const length = Buffer.byteLength(text, 'utf8');
  const padded = (length + 3) & ~3;
  const out = Buffer.alloc(padded, 0x20);
  out.write(text, 0, 'utf8');
  return out;
}

/**
 * Reads a custom block's body (the bytes after the PEN, up to the trailing length); undefined when the
 * PEN is not ours or the body is not one of our JSON documents. Never throws.
 */
export function decodeJsonBlockData(pen: number, body: Uint8Array): HopscopeJsonBlock | undefined {
  if (pen !== HOPSCOPE_PEN) return undefined;
  let parsed: unknown;
  try {
    // Zero padding is tolerated too, in case another tool re-pads the block.
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8').replace(/\0+$/, ''));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (typeof record.hopscope !== 'string') return undefined;
  return { kind: record.hopscope, data: record.data };
}
