/** Public surface of the SDP core. */
export { parseSdp, parseSdpBytes, sdpOfMessage, MAX_SDP_BYTES, type SdpSession, type SdpMedia, type SdpOrigin, type MediaDirection } from './session.js';
export { findSdpBody, multipartParts, contentTypeParam, MAX_MULTIPART_DEPTH } from './body.js';
export { normalizeConnectionAddress, normalizeIpv6 } from './address.js';
export { staticPayload, isDynamicPayloadType, defaultClockRate, codecLabel, type PayloadFormat } from './static-payloads.js';
export { OfferAnswerTracker, type Negotiation, type NegotiationState, type SdpEvent } from './negotiation.js';
