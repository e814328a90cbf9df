import { brotliDecompressSync, gunzipSync, inflateSync, constants } from 'node:zlib';
import type { BodyDecoder } from '../../../src/sinks/body-decoder.js';

/**
 * A test stand-in for src/http's decodeBody: one coding (gzip, deflate, br), partial output on a cut
 * gzip/deflate stream (sync flush), output cut at maxOutput.
 */
export const zlibDecoder: BodyDecoder = (body, contentEncoding, maxOutput) => {
  const coding = contentEncoding.trim().toLowerCase();
  // Test bodies are small: decode all, then keep maxOutput bytes as the real decoder does.
  const options = { finishFlush: constants.Z_SYNC_FLUSH };
  try {
    let out: Buffer;
    if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(body, options);
    else if (coding === 'deflate') out = inflateSync(body, options);
    else if (coding === 'br') out = brotliDecompressSync(body, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
    else return { data: body, decoded: false, error: `unsupported content coding '${contentEncoding}'` };
    return { data: new Uint8Array(out.buffer, out.byteOffset, Math.min(out.length, maxOutput)), decoded: true };
  } catch (error) {
    return { data: body, decoded: false, error: (error as Error).message };
  }
};
