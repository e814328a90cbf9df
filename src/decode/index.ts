export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
export { isSupportedLinkType, LinkType } from './link-types.js';
export { formatIpv4, formatIpv6, AddressFormatter } from './address-format.js';
export { IpDefragmenter, defaultDefragmenterOptions, type DefragmenterOptions } from './ip-defragmenter.js';
