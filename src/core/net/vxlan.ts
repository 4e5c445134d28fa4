/**
 * VXLAN (RFC 7348 §5): UDP to port 4789 carrying an 8-byte header (flags with the I bit
 * saying the VNI is valid, reserved, VNI, reserved) and a whole Ethernet frame.
 */
import type { DecodeState } from './decode-state.js';
import { decodeEthernet } from './ethernet.js';

export const VXLAN_PORT = 4789;
export const VXLAN_HEADER_LEN = 8;
const VXLAN_FLAG_I = 0x08;

/**
 * Decode the UDP payload at [off, end) as VXLAN when it looks like one; false (nothing
 * consumed) when it does not, so the caller emits it as plain UDP.
 */
export function tryDecodeVxlan(st: DecodeState, buf: Buffer, off: number, end: number): boolean {
  if (end - off < VXLAN_HEADER_LEN || (buf[off]! & VXLAN_FLAG_I) === 0) return false;
  decodeEthernet(st, buf, off + VXLAN_HEADER_LEN, end);
  return true;
}
