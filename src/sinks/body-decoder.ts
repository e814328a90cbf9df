/**
 * The content-decoding function the sinks need (gzip, deflate, br). src/http provides it as
 * `decodeBody`; the sinks take it as a parameter so that they never decode compression themselves
 * and stay testable with any decoder.
 */
export interface DecodedBody {
  /** Decoded bytes (at most `maxOutput`), or the input unchanged when `decoded` is false. */
  data: Uint8Array;
  /** True when `data` holds the body with the content coding removed (maybe partial, see `error`). */
  decoded: boolean;
  /** Why decoding failed or stopped early (corrupt stream, truncated input). */
  error?: string;
}

/** `contentEncoding` is the Content-Encoding header value as sent. */
export type BodyDecoder = (body: Uint8Array, contentEncoding: string, maxOutput: number) => DecodedBody;
