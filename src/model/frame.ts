import type { Timestamp } from './time.js';

/** One captured packet as a source delivers it, before any decoding. */
export interface Frame {
  ts: Timestamp;
  /** LINKTYPE_* number (tcpdump.org/linktypes.html): 1 Ethernet, 113 SLL, 276 SLL2, 101 raw, 0 null… */
  linkType: number;
  /** The captured bytes. Owned by the frame: a source never reuses this memory for another frame. */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the snapshot length cut the packet. */
  wireLength: number;
  /** Index into the source's interface list (0 for classic pcap). */
  interfaceId: number;
}

/** What a source knows about one capture interface. */
export interface CaptureInterface {
  id: number;
  linkType: number;
  name?: string;
  description?: string;
  snapLength: number;
}

/** An address → names record from a pcapng name-resolution block. */
export interface NameRecord {
  address: string;
  names: string[];
}
