/**
 * RFC 3551 §6 Table 4 (audio) and Table 5 (video): payload types with a fixed meaning, used
 * when an SDP lists a static PT without a=rtpmap (RFC 4566 §6 allows that) and when RTP arrives
 * for a PT the SDP did not describe. Names as written in the IANA registry.
 */

export interface PayloadFormat {
  readonly payloadType: number;
  /** Encoding name as in a=rtpmap (case kept), e.g. `PCMU`, `telephone-event`. */
  readonly name: string;
  /** RTP clock rate, Hz; 0 when unknown (no jitter can then be computed). */
  readonly clockRate: number;
  /** Audio channels when given (a=rtpmap third field). */
  readonly channels?: number;
}

function pf(payloadType: number, name: string, clockRate: number, channels?: number): PayloadFormat {
  return channels === undefined ? { payloadType, name, clockRate } : { payloadType, name, clockRate, channels };
}

/** RFC 3551 static payload types. G722 runs an 8000 Hz RTP clock by §4.5.2's historical error. */
const STATIC_TABLE: readonly PayloadFormat[] = [
  pf(0, 'PCMU', 8000, 1),
  pf(3, 'GSM', 8000, 1),
  pf(4, 'G723', 8000, 1),
  pf(5, 'DVI4', 8000, 1),
  pf(6, 'DVI4', 16000, 1),
  pf(7, 'LPC', 8000, 1),
  pf(8, 'PCMA', 8000, 1),
  pf(9, 'G722', 8000, 1),
  pf(10, 'L16', 44100, 2),
  pf(11, 'L16', 44100, 1),
  pf(12, 'QCELP', 8000, 1),
  pf(13, 'CN', 8000, 1),
  pf(14, 'MPA', 90000),
  pf(15, 'G728', 8000, 1),
  pf(16, 'DVI4', 11025, 1),
  pf(17, 'DVI4', 22050, 1),
  pf(18, 'G729', 8000, 1),
  // RFC 1890's old comfort-noise number, still sent by some gateways (Wireshark counts it as CN).
  pf(19, 'CN', 8000, 1),
  pf(25, 'CelB', 90000),
  pf(26, 'JPEG', 90000),
  pf(28, 'nv', 90000),
  pf(31, 'H261', 90000),
  pf(32, 'MPV', 90000),
  pf(33, 'MP2T', 90000),
  pf(34, 'H263', 90000),
];

const BY_PT: ReadonlyMap<number, PayloadFormat> = new Map(STATIC_TABLE.map((p) => [p.payloadType, p]));

/** The RFC 3551 meaning of a static payload type, undefined for unassigned and dynamic ones. */
export function staticPayload(payloadType: number): PayloadFormat | undefined {
  return BY_PT.get(payloadType);
}

/** RFC 3551 §3: 96-127 are dynamic, bound by signalling (a=rtpmap). */
export function isDynamicPayloadType(payloadType: number): boolean {
  return payloadType >= 96 && payloadType <= 127;
}

/**
 * Clock rates of common dynamic encodings when an a=rtpmap omits the rate (it is mandatory,
 * but broken SDP exists). Rates from the IANA RTP media-type registrations.
 */
const DYNAMIC_DEFAULT_RATES: ReadonlyMap<string, number> = new Map([
  ['telephone-event', 8000],
  ['amr', 8000],
  ['amr-wb', 16000],
  ['opus', 48000],
  ['g7221', 16000],
  ['ilbc', 8000],
  ['speex', 8000],
  ['h264', 90000],
  ['vp8', 90000],
  ['vp9', 90000],
  ['evs', 16000],
]);

export function defaultClockRate(name: string): number {
  const lower = name.toLowerCase();
  const r = DYNAMIC_DEFAULT_RATES.get(lower);
  if (r !== undefined) return r;
  if (lower.startsWith('g726-') || lower.startsWith('aal2-g726-')) return 8000;
  return 0;
}

/** `PCMU/8000`, or the bare name when the rate is unknown. */
export function codecLabel(p: PayloadFormat): string {
  return p.clockRate > 0 ? `${p.name}/${p.clockRate}` : p.name;
}
