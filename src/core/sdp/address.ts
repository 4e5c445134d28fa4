/**
 * SDP connection addresses in the same text form the net layer prints, so that an endpoint
 * announced in c= compares equal to a packet's address: dotted IPv4 as written, IPv6 reduced
 * to RFC 5952 (SDP may write `2001:DB8:0:0::1`, the packet says `2001:db8::1`).
 */
import { formatIpv6 } from '../net/addr.js';

/**
 * Normalised address of a c= line value: drops the multicast TTL / count suffix
 * (RFC 4566 §5.7 `224.2.1.1/127/3`), reduces IPv6. Returns '' for what is not an IP
 * literal (an FQDN cannot be matched against packets).
 */
export function normalizeConnectionAddress(raw: string): string {
  const slash = raw.indexOf('/');
  const text = (slash < 0 ? raw : raw.slice(0, slash)).trim();
  if (text.includes(':')) return normalizeIpv6(text) ?? '';
  return isIpv4(text) ? text : '';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 §2.2 text → RFC 5952 text; undefined when not a valid IPv6 literal. */
export function normalizeIpv6(text: string): string | undefined {
  let t = text;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const pct = t.indexOf('%'); // zone id (RFC 6874) is not part of the address on the wire
  if (pct >= 0) t = t.slice(0, pct);
  const bytes = new Uint8Array(16);
  const dbl = t.indexOf('::');
  if (dbl >= 0 && t.indexOf('::', dbl + 1) >= 0) return undefined;
  const head = dbl >= 0 ? t.slice(0, dbl) : t;
  const tail = dbl >= 0 ? t.slice(dbl + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  const toWords = (groups: string[], allowV4Last: boolean): number[] | undefined => {
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4Last && i === groups.length - 1 && g.includes('.')) {
        if (!isIpv4(g)) return undefined;
        const o = g.split('.').map(Number);
        out.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const hw = toWords(headGroups, dbl < 0);
  const tw = toWords(tailGroups, true);
  if (!hw || !tw) return undefined;
  if (dbl >= 0) {
    const fill = 8 - hw.length - tw.length;
    if (fill < 1) return undefined;
    words.push(...hw, ...new Array<number>(fill).fill(0), ...tw);
  } else {
    if (hw.length !== 8) return undefined;
    words.push(...hw);
  }
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i]! >> 8;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return formatIpv6(bytes, 0);
}
