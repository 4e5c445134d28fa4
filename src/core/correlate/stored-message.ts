/**
 * Views of one MessageTable row: a SipMessage whose correlation fields come from the row and
 * whose bytes (headers, body, tags, reason) are read again from the capture on first use and
 * parsed by the same lazy parser as at load time. Made on demand; compare by `seq`, not identity.
 */
import type { Diagnostic } from '../diagnostics.js';
import { parseSipMessage } from '../sip/message.js';
import type { SipHeader, SipMessage } from '../sip/types.js';
import type { MessageTable } from './message-table.js';
import type { MessageEntry } from './types.js';

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

export class StoredMessage implements SipMessage {
  private parsedCache: SipMessage | undefined;

  constructor(
    private readonly table: MessageTable,
    readonly seq: number,
  ) {}

  /** The message parsed again from its bytes (once per view object). */
  private parsed(): SipMessage {
    if (this.parsedCache === undefined) {
      const t = this.table;
      const f = t.flow(this.seq);
      const frames = t.frames(this.seq);
      this.parsedCache = parseSipMessage(t.payload(this.seq), {
        frame: t.frame(this.seq),
        tsSec: t.tsSec(this.seq),
        tsNsec: t.tsNsec(this.seq),
        transport: f.transport,
        ipVersion: f.ipVersion,
        src: f.src,
        srcPort: f.srcPort,
        dst: f.dst,
        dstPort: f.dstPort,
        fileOffset: t.recordOffset(this.seq),
        ...(frames !== undefined ? { frames } : {}),
      });
    }
    return this.parsedCache;
  }

  get frame(): number {
    return this.table.frame(this.seq);
  }
  get tsSec(): number {
    return this.table.tsSec(this.seq);
  }
  get tsNsec(): number {
    return this.table.tsNsec(this.seq);
  }
  get transport(): string {
    return this.table.flow(this.seq).transport;
  }
  get ipVersion(): 4 | 6 {
    return this.table.flow(this.seq).ipVersion;
  }
  get src(): string {
    return this.table.flow(this.seq).src;
  }
  get srcPort(): number {
    return this.table.flow(this.seq).srcPort;
  }
  get dst(): string {
    return this.table.flow(this.seq).dst;
  }
  get dstPort(): number {
    return this.table.flow(this.seq).dstPort;
  }
  get fileOffset(): number {
    return this.table.recordOffset(this.seq);
  }
  get frames(): readonly number[] | undefined {
    return this.table.frames(this.seq);
  }
  get isRequest(): boolean {
    return this.table.isRequest(this.seq);
  }
  get method(): string | undefined {
    return this.table.method(this.seq);
  }
  get statusCode(): number | undefined {
    return this.table.statusCode(this.seq);
  }
  get callId(): string {
    return this.table.callId(this.seq);
  }
  get cseqNumber(): number {
    return this.table.cseqNumber(this.seq);
  }
  get cseqMethod(): string {
    return this.table.cseqMethod(this.seq);
  }
  get malformed(): boolean {
    return this.table.malformed(this.seq);
  }
  get diagnostics(): readonly Diagnostic[] {
    return this.table.diagnostics(this.seq) ?? NO_DIAGNOSTICS;
  }
  get raw(): Buffer {
    return this.parsed().raw;
  }
  get requestUri(): string | undefined {
    return this.parsed().requestUri;
  }
  get reason(): string | undefined {
    return this.parsed().reason;
  }
  get cseq(): string {
    return this.parsed().cseq;
  }
  get fromTag(): string | undefined {
    return this.parsed().fromTag;
  }
  get toTag(): string | undefined {
    return this.parsed().toTag;
  }
  get viaBranch(): string | undefined {
    return this.parsed().viaBranch;
  }
  get contentLength(): number | undefined {
    return this.parsed().contentLength;
  }
  get body(): Buffer {
    return this.parsed().body;
  }
  headers(): readonly SipHeader[] {
    return this.parsed().headers();
  }
  header(name: string): string | undefined {
    return this.parsed().header(name);
  }
  headerAll(name: string): string[] {
    return this.parsed().headerAll(name);
  }
  toJSON(): Record<string, unknown> {
    const p = this.parsed() as SipMessage & { toJSON?(): Record<string, unknown> };
    return { ...(p.toJSON?.() ?? {}), callId: this.callId, malformed: this.malformed, diagnostics: this.diagnostics };
  }
}

/** The MessageEntry of a row (a fresh object each time). */
export function storedEntry(table: MessageTable, seq: number): MessageEntry {
  const flow = table.flow(seq);
  return {
    seq,
    message: new StoredMessage(table, seq),
    callIndex: table.callIndex(seq),
    transactionIndex: table.transactionIndex(seq),
    dialogIndex: table.dialogIndex(seq),
    src: flow.srcEndpoint,
    dst: flow.dstEndpoint,
    retransmission: table.retransmission(seq),
  };
}
