/**
 * EtherType dispatch, shared by Ethernet, Linux cooked captures, GRE and PPPoE's neighbours:
 * VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, the pre-standard 0x9100/0x9200) at any depth,
 * 802.3 length fields with LLC/SNAP, PPPoE sessions, MPLS, and finally IPv4/IPv6.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeIpByVersion } from './ip.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodePppoeSession } from './pppoe.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_9100 = 0x9100;
export const ETHERTYPE_QINQ_9200 = 0x9200;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_MPLS_UNICAST = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
/** Transparent Ethernet bridging (GRE carrying whole Ethernet frames). */
export const ETHERTYPE_TEB = 0x6558;

/** Largest 802.3 length value; 0x0600 and above are EtherTypes (IEEE 802.3 §3.2.6). */
const MAX_8023_LENGTH = 1500;

/**
 * Non-IP traffic every LAN capture holds; skipped without a diagnostic because it is not
 * damage: ARP, RARP, PPPoE discovery, LLDP, EAPOL, slow protocols (LACP), PTP, IPX,
 * AppleTalk/AARP, loopback test, MACsec, IEEE 1905, HomePlug, Realtek/local-experimental,
 * and Cisco CDP/VTP/DTP (SNAP types 0x2000, 0x2003, 0x2004).
 */
const QUIET_ETHERTYPES = new Set([
  0x0806, 0x8035, 0x8863, 0x88cc, 0x888e, 0x8809, 0x88f7, 0x8137, 0x809b, 0x80f3, 0x9000, 0x88e5, 0x893a,
  0x88e1, 0x8899, 0x88b5, 0x88b6, 0x88b7, 0x22f0, 0x22f3, 0x8902, 0x890d, 0x2000, 0x2003, 0x2004,
]);

/** Decode the payload of `etherType` at [off, end). */
export function decodeEtherType(st: DecodeState, etherType: number, buf: Buffer, off: number, end: number): void {
  let type = etherType;
  // A loop rather than recursion: a stack of VLAN tags is bounded by the bytes it takes.
  for (;;) {
    switch (type) {
      case ETHERTYPE_IPV4:
        decodeIpv4(st, buf, off, end);
        return;
      case ETHERTYPE_IPV6:
        decodeIpv6(st, buf, off, end);
        return;
      case ETHERTYPE_VLAN:
      case ETHERTYPE_QINQ:
      case ETHERTYPE_QINQ_9100:
      case ETHERTYPE_QINQ_9200:
        // Tag control information (PCP, DEI, VID) then the next EtherType (IEEE 802.1Q §9.6).
        if (end - off < 4) {
          st.diag('VLAN_TRUNCATED');
          return;
        }
        type = u16(buf, off + 2);
        off += 4;
        continue;
      case ETHERTYPE_PPPOE_SESSION:
        decodePppoeSession(st, buf, off, end);
        return;
      case ETHERTYPE_MPLS_UNICAST:
      case ETHERTYPE_MPLS_MULTICAST:
        decodeMpls(st, buf, off, end);
        return;
      default:
        if (type <= MAX_8023_LENGTH) {
          // 802.3 frame: the field is a length and an LLC header follows.
          const llcEnd = Math.min(end, off + type);
          const snapType = snapEtherType(buf, off, llcEnd);
          // STP, NetBIOS, IPX over LLC, Cisco PVST+ (SNAP type 0x010b)...: not IP, not damage.
          if (snapType <= MAX_8023_LENGTH) return;
          type = snapType;
          off += 8;
          end = llcEnd;
          continue;
        }
        if (!QUIET_ETHERTYPES.has(type)) st.diagOnce('ETHERTYPE_UNSUPPORTED', '0x' + type.toString(16).padStart(4, '0'));
        return;
    }
  }
}

/**
 * LLC header (IEEE 802.2) at [off, end): returns the EtherType of a SNAP header
 * (DSAP=SSAP=0xAA, UI control, then OUI and EtherType, RFC 1042), or -1.
 */
export function snapEtherType(buf: Buffer, off: number, end: number): number {
  if (end - off < 8) return -1;
  if (buf[off] !== 0xaa || buf[off + 1] !== 0xaa || buf[off + 2] !== 0x03) return -1;
  return u16(buf, off + 6);
}

/**
 * MPLS label stack (RFC 3032 §2.1): 4-byte entries until the bottom-of-stack bit; the
 * payload is then told apart by its IP version nibble (pseudowires carrying Ethernet are
 * not decoded: nothing in the stack says so).
 */
function decodeMpls(st: DecodeState, buf: Buffer, off: number, end: number): void {
  for (;;) {
    if (end - off < 4) {
      st.diag('MPLS_TRUNCATED');
      return;
    }
    const bottom = (buf[off + 2]! & 0x01) !== 0;
    off += 4;
    if (bottom) break;
  }
  if (off >= end) return;
  const version = buf[off]! >> 4;
  if (version === 4 || version === 6) decodeIpByVersion(st, buf, off, end);
}
