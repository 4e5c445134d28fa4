/**
 * Address formatting for the hot path: dotted IPv4 and RFC 5952 IPv6 text, built from byte
 * tables instead of toString() calls, because every emitted segment needs two addresses.
 */

/** "0".."255" */
const DEC: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
/** Byte as hex without leading zeros: "0".."ff" (first byte of an IPv6 group). */
const HEX_NOPAD: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16));
/** Byte as two hex digits: "00".."ff" (second byte of a group whose first byte is non-zero). */
const HEX_PAD: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * IPv4 strings are cached by their 32-bit value so that the many segments of one flow share
 * one string. The cache is cleared when it reaches this size, bounding memory on scans
 * and spoofed-source floods.
 */
export const IPV4_TEXT_CACHE_MAX = 65_536;
const ipv4Cache = new Map<number, string>();

/** Dotted-quad text of the 4 bytes at `off`. The caller guarantees off + 4 <= buf.length. */
export function formatIpv4(buf: Uint8Array, off: number): string {
  const a = buf[off]!;
  const b = buf[off + 1]!;
  const c = buf[off + 2]!;
  const d = buf[off + 3]!;
  const key = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  let text = ipv4Cache.get(key);
  if (text === undefined) {
    text = DEC[a]! + '.' + DEC[b]! + '.' + DEC[c]! + '.' + DEC[d]!;
    if (ipv4Cache.size >= IPV4_TEXT_CACHE_MAX) ipv4Cache.clear();
    ipv4Cache.set(key, text);
  }
  return text;
}

function group(buf: Uint8Array, at: number): string {
  const hi = buf[at]!;
  const lo = buf[at + 1]!;
  return hi === 0 ? HEX_NOPAD[lo]! : HEX_NOPAD[hi]! + HEX_PAD[lo]!;
}

/**
 * RFC 5952 text of the 16 bytes at `off`: lower-case hex, leading zeros dropped (§4.1), the
 * longest run of two or more zero groups replaced by `::`, the first one on a tie (§4.2),
 * and IPv4-mapped (and IPv4-compatible) addresses with a dotted tail (§5), exactly as tshark
 * prints them.
 */
export function formatIpv6(buf: Uint8Array, off: number): string {
  // Find the longest run of zero 16-bit groups.
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = buf[off + 2 * g] === 0 && buf[off + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
      const len = g - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1; // §4.2.2: a single zero group is not shortened

  // §5: IPv4-mapped addresses end in dotted decimal (::ffff:a.b.c.d). Like tshark (whose
  // formatter follows BSD inet_ntop) the deprecated IPv4-compatible form, six zero groups
  // then a non-zero seventh, is printed ::a.b.c.d too; ::1 and ::100 stay hex.
  if (bestStart === 0) {
    if (bestLen === 5 && buf[off + 10] === 0xff && buf[off + 11] === 0xff) return '::ffff:' + formatIpv4(buf, off + 12);
    if (bestLen === 6) return '::' + formatIpv4(buf, off + 12);
  }

  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out += '::';
      g += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += group(buf, off + 2 * g);
  }
  return out;
}
