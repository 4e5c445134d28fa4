/**
 * pcapng timestamps: a 64-bit count of units since 1970 (draft-ietf-opsawg-pcapng section
 * 4.3, EPB "Timestamp"), the unit given by the interface's if_tsresol option (section
 * 4.2: MSB clear = 10^-n s, MSB set = 2^-n s; default 10^-6) and shifted by if_tsoffset
 * seconds. Converted here to whole seconds + nanoseconds without a BigInt per packet.
 */

/** How one interface's timestamps convert. */
export interface TimeBase {
  /** Units per second (10^n or 2^n). */
  readonly unitsPerSecond: number;
  /** if_tsoffset, seconds added to every timestamp. */
  readonly offsetSec: number;
}

export const DEFAULT_TIME_BASE: TimeBase = { unitsPerSecond: 1_000_000, offsetSec: 0 };

/**
 * Finest resolution decoded: 10^-18 / 2^-60 s. if_tsresol is one byte, so a damaged value
 * could ask for 10^-127; such an interface is treated as microseconds with a diagnostic.
 */
export const MAX_UNITS_PER_SECOND = 2 ** 60;

/** Units per second for an if_tsresol byte, or undefined when out of range. */
export function unitsPerSecondFromTsresol(tsresol: number): number | undefined {
  const exponent = tsresol & 0x7f;
  const units = tsresol & 0x80 ? 2 ** exponent : 10 ** exponent;
  return units <= MAX_UNITS_PER_SECOND ? units : undefined;
}

const TWO_32 = 4294967296;
/** Divisors below this keep every partial remainder * 65536 under 2^53 in long division. */
const LIMB_SAFE_DIVISOR = 2 ** 37;

/** floor(n / d) for 0 <= n < 2^53, corrected for the rounding of the float division. */
function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  if (q * d > n) q -= 1;
  else if ((q + 1) * d <= n) q += 1;
  return q;
}

/** Output of toSecNsec(): written in place to avoid an object per packet. */
export interface SecNsec {
  sec: number;
  nsec: number;
}

/** Converts the (high, low) 32-bit halves of a pcapng timestamp into `out`. */
export function toSecNsec(high: number, low: number, base: TimeBase, out: SecNsec): void {
  const d = base.unitsPerSecond;
  let sec: number;
  let rem: number;
  if (high < 0x200000) {
    // value < 2^53: exact in a double (every µs capture until the year 2255)
    const value = high * TWO_32 + low;
    sec = floorDiv(value, d);
    rem = value - sec * d;
  } else if (d < LIMB_SAFE_DIVISOR) {
    // long division over four 16-bit limbs (ns timestamps live here: high is ~4e8)
    let cur = high >>> 16;
    let q = floorDiv(cur, d);
    sec = q;
    cur = (cur - q * d) * 65536 + (high & 0xffff);
    q = floorDiv(cur, d);
    sec = sec * 65536 + q;
    cur = (cur - q * d) * 65536 + (low >>> 16);
    q = floorDiv(cur, d);
    sec = sec * 65536 + q;
    cur = (cur - q * d) * 65536 + (low & 0xffff);
    q = floorDiv(cur, d);
    sec = sec * 65536 + q;
    rem = cur - q * d;
  } else {
    const value = (BigInt(high) << 32n) | BigInt(low);
    const bd = BigInt(d);
    sec = Number(value / bd);
    rem = Number(value % bd);
  }
  out.sec = sec + base.offsetSec;
  if (d === 1_000_000_000) out.nsec = rem;
  else if (d <= 1_000_000_000 && 1_000_000_000 % d === 0) out.nsec = rem * (1_000_000_000 / d);
  else out.nsec = Math.min(999_999_999, Math.floor((rem / d) * 1e9));
}
