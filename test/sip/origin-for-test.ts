import type { SipOrigin } from '../../src/core/sip/types.js';

/** A fixed origin for parser tests. */
export const ORIGIN: SipOrigin = {
  frame: 7, tsSec: 1000, tsNsec: 5, transport: 'udp', ipVersion: 4,
  src: '10.0.0.1', srcPort: 5060, dst: '10.0.0.2', dstPort: 5062, fileOffset: 123,
};
