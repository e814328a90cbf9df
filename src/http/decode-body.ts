import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';

/** A body with its content coding removed. */
export interface DecodedBody {
  /** Decoded bytes (at most maxOutput), or the input unchanged when `decoded` is false. */
  data: Uint8Array;
  /** True when `data` holds the body with the content codings removed (maybe partial: see `error`). */
  decoded: boolean;
  /** Why decoding failed or stopped early (corrupt or cut stream, output over maxOutput). */
  error?: string;
}

type Inflate = (input: Uint8Array, options: ZlibOptions) => Buffer;

/** Decompresses with one coding, keeping what decoded when the input is cut (capture cap, gap). */
function runCoding(coding: string, input: Uint8Array, maxOutput: number): Buffer {
  const limit = Math.max(1, maxOutput);
  if (coding === 'br') {
    return brotliDecompressSync(input, { maxOutputLength: limit, finishFlush: constants.BROTLI_OPERATION_FLUSH });
  }
  const options: ZlibOptions = { maxOutputLength: limit, finishFlush: constants.Z_SYNC_FLUSH };
  let inflate: Inflate;
  if (coding === 'gzip' || coding === 'x-gzip') inflate = gunzipSync;
  else inflate = looksLikeZlib(input) ? inflateSync : inflateRawSync; // "deflate" is sent both ways
  return inflate(input, options);
}

/** RFC 1950 header: CM 8 and a check value that makes the first two bytes a multiple of 31. */
function looksLikeZlib(input: Uint8Array): boolean {
  return input.length >= 2 && (input[0] & 0x0f) === 8 && ((input[0] << 8) | input[1]) % 31 === 0;
}

function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

/**
 * One coding with output over maxOutput: node's sync API then yields nothing, so the longest input
 * prefix whose output fits is found by bisection (on demand only, never on the capture path).
 */
function decodeBounded(coding: string, input: Uint8Array, maxOutput: number): { out: Uint8Array; error?: string } {
  try {
    return { out: runCoding(coding, input, maxOutput) };
  } catch (error) {
    if (!isTooLarge(error)) throw error;
  }
  let lo = 0;
  let hi = input.length;
  let best: Uint8Array = new Uint8Array(0);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      best = runCoding(coding, input.subarray(0, mid), maxOutput);
      lo = mid;
    } catch (error) {
      if (!isTooLarge(error)) break;
      hi = mid;
    }
  }
  return { out: best, error: `decoded body exceeds ${maxOutput} bytes; cut` };
}

/**
 * Removes the content codings named by a Content-Encoding value ("gzip", "x-gzip", "deflate" as zlib
 * or raw, "br", stacked like "deflate, gzip" and undone last first; "identity" is skipped). Made for
 * sinks, on demand. A cut input (capture cap or gap) yields what decoded so far (the caller knows the
 * body was cut from Body.truncated / lostBytes); a corrupt or unsupported one leaves the body as it was.
 */
export function decodeBody(body: Uint8Array, contentEncoding: string | undefined, maxOutput: number): DecodedBody {
  if (contentEncoding === undefined) return { data: body, decoded: false };
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { data: body, decoded: false };
  for (const coding of codings) {
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate' && coding !== 'br') {
      return { data: body, decoded: false, error: `unsupported content coding '${coding}'` };
    }
  }
  let data: Uint8Array = body;
  let error: string | undefined;
  for (let i = codings.length - 1; i >= 0; i--) {
    try {
      const result = decodeBounded(codings[i], data, maxOutput);
      data = result.out;
      if (result.error !== undefined) error = result.error;
    } catch (e) {
      return { data: body, decoded: false, error: `${codings[i]}: ${(e as Error).message}` };
    }
  }
  const out = new Uint8Array(data.buffer, data.byteOffset, data.length);
  return error === undefined ? { data: out, decoded: true } : { data: out, decoded: true, error };
}
