export { createHttpHandlerFactory } from './http-handler-factory.js';
export { decodeBody, type DecodedBody } from './decode-body.js';
