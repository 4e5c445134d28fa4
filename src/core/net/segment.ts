/**
 * The net layer's output: one transport-layer payload with its addresses, innermost IP
 * header first (tunnels are unwrapped). TCP segments still need stream reassembly.
 */
export type TransportName = 'udp' | 'tcp' | 'sctp';

export interface TransportSegment {
  /** 1-based frame that completed this segment (the last fragment for a defragmented datagram). */
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly ipVersion: 4 | 6;
  /** Textual addresses: dotted IPv4, RFC 5952 compressed IPv6 (no brackets). */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly transport: TransportName;
  /** Transport payload: a view into the record (or into the reassembled datagram). */
  readonly payload: Buffer;
  /** Capture offset of the record (for re-reading); for reassembled datagrams, the last fragment's. */
  readonly fileOffset: number;
  /** Frames that carried IP fragments of this datagram, when it was reassembled. */
  readonly fragmentFrames?: readonly number[];
  /** TCP only. */
  readonly tcp?: TcpInfo;
  /** SCTP only: the DATA chunk's payload protocol identifier, stream, TSN and flags (U B E bits). */
  readonly sctp?: SctpDataInfo;
  /** True when the record was cut by the snap length inside this payload. */
  readonly truncated?: boolean;
}

export interface TcpInfo {
  readonly seq: number;
  readonly ack: number;
  /** Flag bits as in the header: FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20. */
  readonly flags: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;

/** RFC 9260 §3.3.1 DATA chunk fields. flags: U=0x04 (unordered), B=0x02 (first), E=0x01 (last). */
export interface SctpDataInfo {
  readonly ppid: number;
  readonly streamId: number;
  readonly tsn: number;
  readonly flags: number;
}
export const SCTP_FLAG_BEGIN = 0x02;
export const SCTP_FLAG_END = 0x01;
