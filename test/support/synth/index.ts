/**
 * Packet synthesizer for tests: build frames (Ethernet/VLAN, Linux SLL/SLL2, IPv4/IPv6, TCP with
 * correct checksums), play TCP conversations, and write pcap / pcapng files. Deterministic: the same
 * calls give the same bytes.
 */
export * from './bytes.js';
export * from './checksum.js';
export * from './conversation.js';
export * from './http-message.js';
export * from './ip.js';
export * from './link.js';
export * from './packet.js';
export * from './pcap-writer.js';
export * from './pcapng-writer.js';
export * from './tcp.js';
export * from './time.js';
