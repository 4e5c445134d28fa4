/**
 * RFC 3326 Reason header (`Q.850;cause=17;text="User busy"`, `SIP;cause=200;text="Call completed elsewhere"`)
 * and RFC 3261 §20.43 Warning, read lazily from a final response. Never throws.
 */
import type { SipMessage } from '../sip/types.js';
import type { ReasonValue, RejectionDetail } from './types.js';

/** ITU-T Q.850 cause values most often seen in SIP Reason headers (Table 1/Q.850). */
const Q850_CAUSES: ReadonlyMap<number, string> = new Map([
  [1, 'Unallocated (unassigned) number'],
  [2, 'No route to specified transit network'],
  [3, 'No route to destination'],
  [16, 'Normal call clearing'],
  [17, 'User busy'],
  [18, 'No user responding'],
  [19, 'No answer from user (user alerted)'],
  [20, 'Subscriber absent'],
  [21, 'Call rejected'],
  [22, 'Number changed'],
  [27, 'Destination out of order'],
  [28, 'Invalid number format'],
  [29, 'Facility rejected'],
  [31, 'Normal, unspecified'],
  [34, 'No circuit/channel available'],
  [38, 'Network out of order'],
  [41, 'Temporary failure'],
  [42, 'Switching equipment congestion'],
  [44, 'Requested circuit/channel not available'],
  [47, 'Resource unavailable, unspecified'],
  [50, 'Requested facility not subscribed'],
  [55, 'Incoming calls barred within the CUG'],
  [57, 'Bearer capability not authorized'],
  [58, 'Bearer capability not presently available'],
  [65, 'Bearer capability not implemented'],
  [79, 'Service or option not implemented, unspecified'],
  [88, 'Incompatible destination'],
  [102, 'Recovery on timer expiry'],
  [111, 'Protocol error, unspecified'],
  [127, 'Interworking, unspecified'],
]);

export function q850CauseName(cause: number): string | undefined {
  return Q850_CAUSES.get(cause);
}

/** Splits a header value at commas that are not inside a quoted string. */
export function splitOutsideQuotes(value: string): string[] {
  return splitUnquoted(value, ',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** One reason-value: protocol *(SEMI reason-params). */
export function parseReasonValue(value: string): ReasonValue {
  const [protocolPart, ...params] = splitUnquoted(value, ';');
  const protocol = (protocolPart ?? '').trim();
  let cause: number | undefined;
  let text: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (name === 'cause') {
      const n = Number.parseInt(raw, 10);
      if (Number.isFinite(n)) cause = n;
    } else if (name === 'text') {
      text = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    }
  }
  const causeName = cause !== undefined && protocol.toUpperCase() === 'Q.850' ? q850CauseName(cause) : undefined;
  return {
    protocol,
    ...(cause !== undefined ? { cause } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(causeName !== undefined ? { causeName } : {}),
  };
}

/** Reason and Warning headers of a (failure) response. Reads headers only when called. */
export function rejectionDetail(msg: SipMessage): RejectionDetail {
  const reasons: ReasonValue[] = [];
  for (const line of msg.headerAll('Reason')) for (const v of splitOutsideQuotes(line)) reasons.push(parseReasonValue(v));
  const warnings: string[] = [];
  for (const line of msg.headerAll('Warning')) for (const v of splitOutsideQuotes(line)) warnings.push(v);
  return { reasons, warnings };
}

/** Splits at `sep` where it stands outside a quoted string (backslash escapes inside quotes). */
function splitUnquoted(value: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}
