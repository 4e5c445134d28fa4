/**
 * pcapng options (draft-ietf-opsawg-pcapng section 3.5): code(2) length(2) value, the value
 * padded to 4 bytes, ended by opt_endofopt (code 0) or by the end of the block body.
 */

/** Calls `onOption(code, valueStart, valueLength)` for each option in buf[start, end). */
export type OptionVisitor = (code: number, at: number, length: number) => void;

/**
 * Walks the options; returns true when they are malformed (a value running past `end`).
 * Options before the damage have been visited; nothing is thrown.
 */
export function readOptions(buf: Buffer, start: number, end: number, littleEndian: boolean, onOption: OptionVisitor): boolean {
  let p = start;
  while (p + 4 <= end) {
    const code = littleEndian ? buf.readUInt16LE(p) : buf.readUInt16BE(p);
    const length = littleEndian ? buf.readUInt16LE(p + 2) : buf.readUInt16BE(p + 2);
    if (code === 0) return false; // opt_endofopt
    const at = p + 4;
    if (at + length > end) return true;
    onOption(code, at, length);
    p = at + ((length + 3) & ~3);
  }
  // a few stray bytes (< one option header) after the last option: tolerated, as tshark does
  return false;
}
