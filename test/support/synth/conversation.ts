/**
 * Plays one TCP connection as a capture would show it: optional handshake, seq/ack bookkeeping,
 * each side's writes cut into segments of chosen sizes, and the faults a capture meets (segments
 * lost, duplicated, reordered, overlapping retransmissions, resets). Time is explicit: every packet
 * is `step` after the previous one unless `at`/`wait` say otherwise.
 */
import { TcpFlags } from '../../../src/model/segment.js';
import { concatBytes, toBytes } from './bytes.js';
import { type IpSpec, type LinkSpec, type SynthPacket, linkTypeOf, tcpPacket } from './packet.js';
import { tcpOption, tcpOptions } from './tcp.js';
import { type Nanos, toTimestamp, us } from './time.js';

export type Side = 'client' | 'server';

export interface Peer {
  ip: string;
  port: number;
  mac?: string;
}

export interface ConversationOptions {
  client: Peer;
  server: Peer;
  /** Time of the first packet, in ns since the epoch. */
  start: Nanos;
  /** Framing; a function frames each side's packets differently (e.g. cooked headers per veth). */
  link?: LinkSpec | ((from: Side) => LinkSpec);
  /** Time between consecutive packets unless told otherwise (default 100 µs). */
  step?: Nanos;
  /** Largest payload per segment when a send gives no (or too few) sizes (default 1448). */
  mss?: number;
  /** Initial sequence numbers (the SYN's seq); data starts at isn + 1, handshake or not. */
  clientIsn?: number;
  serverIsn?: number;
  window?: number;
  /** pcapng interface of every packet. */
  interfaceId?: number;
  /** IP-level extras for every packet (IPv4 options, IPv6 extension headers, TTL). */
  ip?: IpSpec;
  /** When true every send is followed by a pure ACK from the other side. */
  autoAck?: boolean;
}

export interface SendOptions {
  /** Payload sizes of the segments, in stream order; bytes left over are cut by mss. */
  segments?: readonly number[];
  /** Capture order of the segments as indices into the cut (default in stream order). */
  order?: readonly number[];
  /** Segments the capture never saw (their bytes still count as sent: the peer acks them). */
  drop?: readonly number[];
  /** Segments captured twice: the copy follows the original immediately, as a retransmission. */
  duplicate?: readonly number[];
  /** Time of the first segment (absolute ns); later ones follow at `step`. */
  at?: Nanos;
  /** Spacing of this send's segments. */
  step?: Nanos;
  /** PSH on the last segment of the write (default true). */
  push?: boolean;
  /** Override the conversation's autoAck for this send. */
  acked?: boolean;
}

export interface EmitOptions {
  /** Time of this packet (absolute ns). */
  at?: Nanos;
  /** Time until the next packet (default: the conversation's step). */
  step?: Nanos;
  comment?: string;
}

interface SideState {
  peer: Peer;
  isn: number;
  /** Next sequence number to send (unwrapped; written modulo 2^32). */
  next: number;
  finished: boolean;
  ipId: number;
  /** Everything this side sent, for retransmissions. */
  history: Uint8Array[];
  historyLength: number;
}

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

export class TcpConversation {
  private readonly state: Record<Side, SideState>;
  private readonly out: SynthPacket[] = [];
  private readonly step: Nanos;
  private readonly mss: number;
  /** Time of the next packet. */
  now: Nanos;

  constructor(private readonly options: ConversationOptions) {
    this.now = options.start;
    this.step = options.step ?? us(100);
    this.mss = options.mss ?? 1448;
    const side = (peer: Peer, isn: number, ipId: number): SideState => ({
      peer,
      isn,
      next: isn + 1,
      finished: false,
      ipId,
      history: [],
      historyLength: 0,
    });
    this.state = {
      client: side(options.client, options.clientIsn ?? 0x1000_0000, 0x1000),
      server: side(options.server, options.serverIsn ?? 0x7000_0000, 0x7000),
    };
  }

  /** The LINKTYPE of every packet (both sides must agree). */
  get linkType(): number {
    const a = linkTypeOf(this.linkFor('client'));
    const b = linkTypeOf(this.linkFor('server'));
    if (a !== b) throw new Error('both sides of a conversation must use the same link type');
    return a;
  }

  /** The packets so far, in capture order. */
  packets(): SynthPacket[] {
    return [...this.out];
  }

  /** Next sequence number `side` would send. */
  nextSeq(side: Side): number {
    return this.state[side].next >>> 0;
  }

  /** Sets the time of the next packet (ns since the epoch). */
  at(time: Nanos): this {
    this.now = time;
    return this;
  }

  /** Lets time pass before the next packet. */
  wait(duration: Nanos): this {
    this.now += duration;
    return this;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): this {
    const c = this.state.client;
    const s = this.state.server;
    if (c.historyLength > 0 || s.historyLength > 0) throw new Error('handshake after data');
    const syn = tcpOptions(tcpOption.mss(this.mss + 12), tcpOption.sackPermitted(), tcpOption.nop(), tcpOption.windowScale(7));
    this.emit('client', { seq: c.isn, ack: 0, flags: TcpFlags.SYN, options: syn, window: 64240 });
    this.emit('server', { seq: s.isn, ack: c.isn + 1, flags: TcpFlags.SYN | TcpFlags.ACK, options: syn, window: 65160 });
    this.emit('client', { seq: c.isn + 1, ack: s.isn + 1, flags: TcpFlags.ACK });
    return this;
  }

  /** `from` writes `data`; it is cut into segments and captured as `options` say. */
  send(from: Side, data: string | Uint8Array, options: SendOptions = {}): this {
    const st = this.state[from];
    if (st.finished) throw new Error(`${from} already sent FIN`);
    const bytes = toBytes(data);
    const cut = this.cut(bytes.length, options.segments);
    const starts: number[] = [];
    let offset = 0;
    for (const size of cut) {
      starts.push(offset);
      offset += size;
    }
    const base = st.next;
    st.history.push(bytes);
    st.historyLength += bytes.length;
    st.next += bytes.length;

    if (options.at !== undefined) this.now = options.at;
    const order = options.order ?? cut.map((_, i) => i);
    if ([...order].sort((a, b) => a - b).some((v, i) => v !== i) || order.length !== cut.length) {
      throw new Error(`order must be a permutation of 0..${cut.length - 1}`);
    }
    const drop = new Set(options.drop ?? []);
    const duplicate = new Set(options.duplicate ?? []);
    for (const i of order) {
      if (drop.has(i)) continue;
      const payload = bytes.subarray(starts[i], starts[i] + cut[i]);
      const last = i === cut.length - 1;
      const flags = TcpFlags.ACK | (last && options.push !== false ? TcpFlags.PSH : 0);
      const copies = duplicate.has(i) ? 2 : 1;
      for (let k = 0; k < copies; k++) {
        this.emit(from, { seq: base + starts[i], flags, payload }, { step: options.step });
      }
    }
    if (options.acked ?? this.options.autoAck ?? false) this.ack(other(from));
    return this;
  }

  client(data: string | Uint8Array, options?: SendOptions): this {
    return this.send('client', data, options);
  }

  server(data: string | Uint8Array, options?: SendOptions): this {
    return this.send('server', data, options);
  }

  /** A pure ACK of everything the other side sent. */
  ack(from: Side, options: EmitOptions = {}): this {
    this.emit(from, { seq: this.state[from].next, flags: TcpFlags.ACK }, options);
    return this;
  }

  fin(from: Side, options: EmitOptions = {}): this {
    const st = this.state[from];
    if (st.finished) throw new Error(`${from} already sent FIN`);
    this.emit(from, { seq: st.next, flags: TcpFlags.FIN | TcpFlags.ACK }, options);
    st.next += 1;
    st.finished = true;
    return this;
  }

  rst(from: Side, options: EmitOptions = {}): this {
    this.emit(from, { seq: this.state[from].next, flags: TcpFlags.RST | TcpFlags.ACK }, options);
    return this;
  }

  /** Orderly close: FIN from `first`, FIN from the other, last ACK from `first`. */
  close(first: Side = 'client'): this {
    return this.fin(first).fin(other(first)).ack(first);
  }

  /**
   * Sends again `length` bytes that `from` already sent, starting at stream `offset` (0 = first data
   * byte): an exact retransmission, or an overlapping one when it straddles earlier segments.
   */
  retransmit(from: Side, offset: number, length: number, options: EmitOptions = {}): this {
    const st = this.state[from];
    if (offset < 0 || offset + length > st.historyLength) throw new Error('retransmit outside what was sent');
    const all = concatBytes(st.history);
    this.emit(from, { seq: st.isn + 1 + offset, flags: TcpFlags.ACK | TcpFlags.PSH, payload: all.subarray(offset, offset + length) }, options);
    return this;
  }

  /** Bytes `from` sent before or outside the capture: the sequence space moves on, nothing is captured. */
  skip(from: Side, length: number): this {
    const st = this.state[from];
    st.history.push(new Uint8Array(length));
    st.historyLength += length;
    st.next += length;
    return this;
  }

  /** Emits one arbitrary segment from `from` (ack defaults to everything the other side sent). */
  emit(
    from: Side,
    tcp: { seq: number; flags: number; ack?: number; payload?: Uint8Array; options?: Uint8Array; window?: number },
    options: EmitOptions = {},
  ): this {
    const st = this.state[from];
    const peer = this.state[other(from)];
    if (options.at !== undefined) this.now = options.at;
    const packet: SynthPacket = {
      ts: toTimestamp(this.now),
      data: tcpPacket({
        ...this.options.ip,
        link: this.linkFor(from),
        srcIp: st.peer.ip,
        dstIp: peer.peer.ip,
        srcMac: st.peer.mac,
        dstMac: peer.peer.mac,
        identification: st.ipId & 0xffff,
        tcp: {
          srcPort: st.peer.port,
          dstPort: peer.peer.port,
          seq: tcp.seq >>> 0,
          ack: (tcp.ack ?? peer.next) >>> 0,
          flags: tcp.flags,
          window: tcp.window ?? this.options.window ?? 502,
          options: tcp.options,
          payload: tcp.payload,
        },
      }),
    };
    if (this.options.interfaceId !== undefined) packet.interfaceId = this.options.interfaceId;
    if (options.comment !== undefined) packet.comment = options.comment;
    this.out.push(packet);
    st.ipId += 1;
    this.now += options.step ?? this.step;
    return this;
  }

  private linkFor(from: Side): LinkSpec {
    const link = this.options.link ?? { type: 'ethernet' };
    return typeof link === 'function' ? link(from) : link;
  }

  private cut(length: number, sizes: readonly number[] = []): number[] {
    const out: number[] = [];
    let left = length;
    for (const size of sizes) {
      if (size <= 0 || size > left) throw new Error(`segment sizes ${sizes.join(',')} do not fit ${length} bytes`);
      out.push(size);
      left -= size;
    }
    while (left > 0) {
      const size = Math.min(left, this.mss);
      out.push(size);
      left -= size;
    }
    return out;
  }
}
