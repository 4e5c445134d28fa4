/**
 * Ethernet II / IEEE 802.3 MAC header: destination, source, then an EtherType (or an 802.3
 * length, handled by the EtherType dispatch together with VLAN tags at any depth).
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeEtherType } from './ethertype.js';

export const ETHERNET_HEADER_LEN = 14;

/** Decode an Ethernet frame at [off, end) (no FCS: captures almost never keep it). */
export function decodeEthernet(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < ETHERNET_HEADER_LEN) {
    st.diag('ETHERNET_TRUNCATED');
    return;
  }
  decodeEtherType(st, u16(buf, off + 12), buf, off + ETHERNET_HEADER_LEN, end);
}
