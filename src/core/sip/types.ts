/**
 * The SIP layer's public shapes. A framed message (bytes + where they came from) is what the
 * framers produce; a SipMessage is the parsed, lazily-read view the rest of siptrace uses.
 */
import type { Diagnostic } from '../diagnostics.js';

/** Transport label as printed: `udp`, `tcp`, `ws`, `wss`, `sctp`, `tls`, or `hep3/udp`-style. */
export type SipTransportLabel = string;

/** Where a SIP message came from: the innermost addresses and the frame that completed it. */
export interface SipOrigin {
  /** 1-based frame of the packet that completes the message (last segment or fragment). */
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly transport: SipTransportLabel;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** Capture offset of the completing record's data (for re-reading payloads). */
  readonly fileOffset: number;
  /** Every frame that carried bytes of this message, when more than one did (TCP, fragments). */
  readonly frames?: readonly number[];
}

/** A header line as found on the wire (name as written, value unfolded and trimmed). */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * A parsed SIP message. The correlation fields are read up front; everything else
 * (`headers()`, `header()`, `body`) is decoded lazily from the owned bytes.
 */
export interface SipMessage extends SipOrigin {
  /** The whole message as captured (one owned copy). */
  readonly raw: Buffer;
  readonly isRequest: boolean;
  /** Request method as written (case kept), e.g. `INVITE`; undefined for responses. */
  readonly method?: string;
  readonly requestUri?: string;
  /** Response status code; undefined for requests. */
  readonly statusCode?: number;
  readonly reason?: string;
  /** Call-ID (long or compact `i`); several headers joined with `,`; '' when absent. */
  readonly callId: string;
  /** CSeq header value as written (trimmed), e.g. `1 INVITE`; '' when absent. */
  readonly cseq: string;
  /** CSeq number, NaN when absent or unparsable. */
  readonly cseqNumber: number;
  /** CSeq method, '' when absent. */
  readonly cseqMethod: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  /** Branch parameter of the topmost Via. */
  readonly viaBranch?: string;
  /** Declared Content-Length (long or compact `l`), undefined when absent or unparsable. */
  readonly contentLength?: number;
  /** Message body (a view into raw). */
  readonly body: Buffer;
  /** True when anything about the message is off (see diagnostics). */
  readonly malformed: boolean;
  /** Named diagnostics for this message (leniencies applied, damage found). */
  readonly diagnostics: readonly Diagnostic[];
  /** Every header line, in order (decoded on first call). */
  headers(): readonly SipHeader[];
  /** First value of a header by name; compact forms are matched too (`f` = From). */
  header(name: string): string | undefined;
  /** Every value of a header (each line; comma lists are not split). */
  headerAll(name: string): string[];
}
