/**
 * Interned message flows: transport + source + destination, shared by every message that took
 * the same path. A 1 GB capture has millions of messages but a handful of flows; each message
 * keeps a flow number instead of two address strings, two ports and two endpoint labels.
 */
import { endpoint } from './endpoint.js';
import type { Endpoint } from './types.js';

export interface FlowFields {
  readonly transport: string;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

export interface MessageFlow extends FlowFields {
  readonly id: number;
  /** `ip:port` labels (ladder columns). */
  readonly srcEndpoint: Endpoint;
  readonly dstEndpoint: Endpoint;
}

/** Flows remembered for the field-compare fast path (a proxy trace alternates among a few). */
const RECENT_FLOWS = 8;

export class FlowTable {
  private readonly list: MessageFlow[] = [];
  private readonly recent: MessageFlow[] = [];
  private recentNext = 0;
  private readonly byKey = new Map<string, MessageFlow>();

  /** The flow of these fields, created on first sight. */
  intern(f: FlowFields): MessageFlow {
    // Most messages take one of a few recent flows: compare fields before building a key.
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      if (r.srcPort === f.srcPort && r.dstPort === f.dstPort && r.src === f.src && r.dst === f.dst && r.transport === f.transport) return r;
    }
    const flow = this.lookup(f);
    recent[this.recentNext] = flow;
    this.recentNext = (this.recentNext + 1) % RECENT_FLOWS;
    return flow;
  }

  private lookup(f: FlowFields): MessageFlow {
    // The key string is short-lived (young generation); the flow and its strings are kept once.
    const key = `${f.transport}|${f.src}|${f.srcPort}|${f.dst}|${f.dstPort}`;
    let flow = this.byKey.get(key);
    if (flow === undefined) {
      flow = {
        id: this.list.length,
        transport: f.transport,
        ipVersion: f.ipVersion,
        src: f.src,
        srcPort: f.srcPort,
        dst: f.dst,
        dstPort: f.dstPort,
        srcEndpoint: endpoint(f.src, f.srcPort),
        dstEndpoint: endpoint(f.dst, f.dstPort),
      };
      this.list.push(flow);
      this.byKey.set(key, flow);
    }
    return flow;
  }

  get(id: number): MessageFlow {
    return this.list[id]!;
  }

  get size(): number {
    return this.list.length;
  }
}
