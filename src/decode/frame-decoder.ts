import type { Frame } from '../model/frame.js';
import type { Timestamp } from '../model/time.js';
import type { Segment } from '../model/segment.js';
import type { Stats } from '../model/stats.js';
import { AddressFormatter } from './address-format.js';
import { DecodeCursor, Next, Step, u16, u32 } from './decode-cursor.js';
import { erspan2, erspan3, ethernet, gre, llc, mpls, ppp, pppoeSession, udp, vlanTag } from './encapsulation.js';
import { authHeader, ipByVersion, ipv4, ipv6, ipv6Fragment, ipv6Options } from './ip-layer.js';
import { defaultDefragmenterOptions, IpDefragmenter, type DefragmenterOptions } from './ip-defragmenter.js';
import { decodeLinkLayer } from './link-layer.js';

export interface FrameDecoderOptions {
  maxFragmentBytes?: number;
  fragmentTimeoutSeconds?: number;
  /** Decode only the TCP connections of one shard (see Shard); the others go to shard.other. */
  shard?: Shard;
}

/**
 * One of `count` disjoint parts of a capture's TCP connections, chosen by a hash of the 4-tuple that is
 * the same for both directions. Every shard decodes every frame (IP reassembly and counters see the
 * whole capture), but only segments of its own connections become Segments; for the others it calls
 * `other(ts)` so that time-driven work (idle timeouts) still sees every TCP segment's capture time.
 */
export interface Shard {
  index: number;
  count: number;
  other: (ts: Timestamp) => void;
}

/** Which shard a TCP 4-tuple belongs to: symmetric in the two endpoints, well mixed. */
export function shardOf(addrHash: number, srcPort: number, dstPort: number, count: number): number {
  let h = addrHash ^ srcPort ^ dstPort;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) % count;
}

/** Layers walked per frame before giving up (VLAN stacks, MPLS, tunnels in tunnels). */
const MAX_LAYERS = 32;

const P = Next.IPPROTO;

/**
 * Turns frames into TCP segments. Everything but IP fragment reassembly is stateless; the cursor
 * and address caches are reused between frames and never end up in a Segment. Frames that are not
 * TCP are counted in stats by kind and yield undefined; nothing here throws on bad input.
 */
export class FrameDecoder {
  private readonly cursor = new DecodeCursor();
  private readonly addresses = new AddressFormatter();
  private readonly defragmenter: IpDefragmenter;
  private readonly shard: Shard | undefined;

  constructor(
    private readonly stats: Stats,
    options: FrameDecoderOptions = {},
  ) {
    const bounds: DefragmenterOptions = {
      maxFragmentBytes: options.maxFragmentBytes ?? defaultDefragmenterOptions.maxFragmentBytes,
      fragmentTimeoutSeconds: options.fragmentTimeoutSeconds ?? defaultDefragmenterOptions.fragmentTimeoutSeconds,
    };
    this.defragmenter = new IpDefragmenter(stats, bounds);
    this.shard = options.shard !== undefined && options.shard.count > 1 ? options.shard : undefined;
  }

  /** Incomplete IP datagrams currently held. */
  get pendingFragments(): number {
    return this.defragmenter.size;
  }

  decode(frame: Frame): Segment | undefined {
    const c = this.cursor;
    c.reset(frame.data, frame.wireLength > frame.data.length);
    let step = decodeLinkLayer(c, frame.linkType);
    for (let depth = 0; step === Step.CONTINUE; depth++) {
      step = depth < MAX_LAYERS ? this.layer(c) : Step.BAD_HEADER;
      if (step === Step.FRAGMENT) step = this.fragment(c, frame);
    }
    if (step === Step.TCP) return this.tcp(c, frame);
    this.countFailure(step);
    return undefined;
  }

  private layer(c: DecodeCursor): number {
    switch (c.next) {
      case Next.IPV4:
        return ipv4(c);
      case Next.IPV6:
        return ipv6(c);
      case P + 6:
        return Step.TCP;
      case Next.ETHERNET:
        return ethernet(c);
      case Next.VLAN:
      case Next.QINQ:
      case Next.VLAN_9100:
      case Next.VLAN_9200:
        return vlanTag(c);
      case Next.IP_BY_VERSION:
        return ipByVersion(c);
      case Next.LLC:
        return llc(c);
      case Next.MPLS:
      case Next.MPLS_MULTICAST:
        return mpls(c);
      case Next.PPPOE_SESSION:
        return pppoeSession(c);
      case Next.PPP:
      case Next.PPP_ETHERTYPE:
        return ppp(c);
      case Next.ERSPAN_2:
        return erspan2(c);
      case Next.ERSPAN_3:
        return erspan3(c);
      case P + 4: // IP in IP
        c.next = Next.IPV4;
        return Step.CONTINUE;
      case P + 41: // IPv6 in IP
        c.next = Next.IPV6;
        return Step.CONTINUE;
      case P + 47:
        return gre(c);
      case P + 17:
        return udp(c);
      case P + 0: // hop-by-hop
      case P + 43: // routing
      case P + 60: // destination options
      case P + 135: // mobility
        return ipv6Options(c);
      case P + 44:
        return ipv6Fragment(c);
      case P + 51:
        return authHeader(c);
      default:
        return c.next >= P ? Step.NON_TCP : Step.NON_IP;
    }
  }

  /** Hands an IP fragment to the defragmenter; continues with the whole datagram when complete. */
  private fragment(c: DecodeCursor, frame: Frame): number {
    this.stats.count('decode.ip-fragment');
    const len = c.end - c.off;
    if (c.truncated) {
      // A fragment cut by the snapshot length can never complete its datagram correctly.
      this.stats.count('decode.fragment-dropped');
      return Step.FRAGMENT_HELD;
    }
    if (c.fragMore && (len & 7) !== 0) return Step.BAD_HEADER;
    const a = c.addrData;
    let key: string;
    if (c.ipVersion === 4) {
      key = '4,' + u32(a, c.srcOff) + ',' + u32(a, c.dstOff) + ',' + c.fragId + ',' + c.fragProto;
    } else {
      key = '6,' + this.addresses.ipv6(a, c.srcOff) + ',' + this.addresses.ipv6(a, c.dstOff) + ',' + c.fragId;
    }
    const whole = this.defragmenter.add(key, frame.ts, c.fragOffset, c.fragMore, c.fragProto, c.data.subarray(c.off, c.end));
    if (whole === undefined) return Step.FRAGMENT_HELD;
    c.data = whole;
    c.off = 0;
    c.end = whole.length;
    c.next = Next.IPPROTO + this.defragmenter.lastProto;
    return Step.CONTINUE;
  }

  private tcp(c: DecodeCursor, frame: Frame): Segment | undefined {
    const d = c.data;
    const o = c.off;
    const avail = c.end - o;
    if (avail < 20) {
      this.stats.count(c.truncated ? 'decode.truncated' : 'decode.bad-header');
      return undefined;
    }
    const hdr = (d[o + 12] >> 4) << 2;
    if (hdr < 20) {
      this.stats.count('decode.bad-header');
      return undefined;
    }
    if (hdr > avail) {
      this.stats.count(c.truncated ? 'decode.truncated' : 'decode.bad-header');
      return undefined;
    }
    if (c.truncated) this.stats.count('decode.snaplen-truncated');
    const a = c.addrData;
    const v4 = c.ipVersion === 4;
    const shard = this.shard;
    if (shard !== undefined) {
      // Before any string or object is made: most of a shard's frames belong to the others.
      const h = v4 ? u32(a, c.srcOff) ^ u32(a, c.dstOff) : addr6Hash(a, c.srcOff) ^ addr6Hash(a, c.dstOff);
      if (shardOf(h, u16(d, o), u16(d, o + 2), shard.count) !== shard.index) {
        shard.other(frame.ts);
        return undefined;
      }
    }
    return {
      ts: frame.ts,
      srcIp: v4 ? this.addresses.ipv4(a, c.srcOff) : this.addresses.ipv6(a, c.srcOff),
      dstIp: v4 ? this.addresses.ipv4(a, c.dstOff) : this.addresses.ipv6(a, c.dstOff),
      srcPort: u16(d, o),
      dstPort: u16(d, o + 2),
      seq: u32(d, o + 4),
      ack: u32(d, o + 8),
      flags: d[o + 13],
      window: u16(d, o + 14),
      payload: d.subarray(o + hdr, c.end),
      interfaceId: frame.interfaceId,
    };
  }

  private countFailure(step: number): void {
    switch (step) {
      case Step.NON_IP:
        this.stats.count('decode.non-ip');
        return;
      case Step.NON_TCP:
        this.stats.count('decode.non-tcp');
        return;
      case Step.TRUNCATED:
        this.stats.count('decode.truncated');
        return;
      case Step.BAD_HEADER:
        this.stats.count('decode.bad-header');
        return;
      case Step.UNSUPPORTED_LINK:
        this.stats.count('decode.unsupported-link');
        return;
      default:
        return; // FRAGMENT_HELD: counted as decode.ip-fragment already
    }
  }
}

function addr6Hash(d: Uint8Array, o: number): number {
  return u32(d, o) ^ u32(d, o + 4) ^ u32(d, o + 8) ^ u32(d, o + 12);
}
