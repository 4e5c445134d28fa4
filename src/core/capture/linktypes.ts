/**
 * LINKTYPE_* values siptrace meets in pcap and pcapng files, with display names.
 * Source of the numbers: https://www.tcpdump.org/linktypes.html (the LINKTYPE_ registry,
 * also draft-ietf-opsawg-pcaplinktype). Only values the net layer handles, or that real
 * SIP captures use, are named here; any other value is still carried through as a number.
 */

/** BSD loopback: 4-byte address family in host byte order of the writer. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** PPP, RFC 1661 framing (protocol field first). */
export const LINKTYPE_PPP = 9;
/** DLT_RAW as most BSDs number it (raw IP, version from the first nibble). */
export const LINKTYPE_RAW_BSD = 12;
/** DLT_RAW as OpenBSD numbers it. */
export const LINKTYPE_RAW_OPENBSD = 14;
/** PPP in HDLC-like framing (RFC 1662). */
export const LINKTYPE_PPP_HDLC = 50;
/** PPPoE session header with no Ethernet header before it (RFC 2516). */
export const LINKTYPE_PPP_ETHER = 51;
/** Raw IP, the portable value (version from the first nibble). */
export const LINKTYPE_RAW = 101;
/** Cisco HDLC. */
export const LINKTYPE_C_HDLC = 104;
/** OpenBSD loopback: 4-byte address family, network byte order. */
export const LINKTYPE_LOOP = 108;
/** Linux "cooked" capture v1 (tcpdump -i any), 16-byte header. */
export const LINKTYPE_LINUX_SLL = 113;
/** Linux netfilter NFLOG (TLV-encoded, payload in an NFULA_PAYLOAD TLV). */
export const LINKTYPE_NFLOG = 239;
/** Raw IPv4 only. */
export const LINKTYPE_IPV4 = 228;
/** Raw IPv6 only. */
export const LINKTYPE_IPV6 = 229;
/** Linux "cooked" capture v2, 20-byte header (libpcap >= 1.10 on "any"). */
export const LINKTYPE_LINUX_SLL2 = 276;

const NAMES: ReadonlyMap<number, string> = new Map([
  [LINKTYPE_NULL, 'NULL'],
  [LINKTYPE_ETHERNET, 'ETHERNET'],
  [LINKTYPE_PPP, 'PPP'],
  [LINKTYPE_RAW_BSD, 'RAW (BSD 12)'],
  [LINKTYPE_RAW_OPENBSD, 'RAW (OpenBSD 14)'],
  [LINKTYPE_PPP_HDLC, 'PPP_HDLC'],
  [LINKTYPE_PPP_ETHER, 'PPP_ETHER'],
  [LINKTYPE_RAW, 'RAW'],
  [LINKTYPE_C_HDLC, 'C_HDLC'],
  [LINKTYPE_LOOP, 'LOOP'],
  [LINKTYPE_LINUX_SLL, 'LINUX_SLL'],
  [LINKTYPE_NFLOG, 'NFLOG'],
  [LINKTYPE_IPV4, 'IPV4'],
  [LINKTYPE_IPV6, 'IPV6'],
  [LINKTYPE_LINUX_SLL2, 'LINUX_SLL2'],
]);

/** Display name of a link type: `ETHERNET`, `LINUX_SLL`, or `LINKTYPE 147` when not named here. */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `LINKTYPE ${linkType}`;
}

/** Every link type named in this module (for tests and `--help` text). */
export function namedLinkTypes(): readonly number[] {
  return [...NAMES.keys()];
}
