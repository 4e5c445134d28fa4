/**
 * Every transaction of every call as one row of typed columns (~60 bytes a row, the key
 * kept as a hash), so a 1 GB capture's million transactions do not each cost an object with twenty
 * fields and two arrays. TransactionImpl (transactions.ts) is a view of a row.
 */

/** Rows per column block (allocated whole: growth never copies old rows). */
const ROWS_PER_BLOCK = 8192;
const SHIFT = 13;
const MASK = ROWS_PER_BLOCK - 1;

const KEY_HALF = 2 ** 26;

/**
 * A 52-bit hash of a transaction key (two FNV-1a 32-bit runs with different offsets, 26 bits
 * each), kept instead of the key string: the key is only ever compared, and within one call
 * (a few to a few thousand transactions) two keys collide with odds below 1e-9.
 */
export function keyHash(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return ((a >>> 6) & (KEY_HALF - 1)) * KEY_HALF + ((b >>> 6) & (KEY_HALF - 1));
}

export const TXN_RFC3261 = 1;
export const TXN_INITIAL = 2;
export const TXN_TIMED_OUT = 4;
export const TXN_PROVISIONAL_SEEN = 8;

/** Numeric fields of a row (0 = none for seqs and indexes, which are 1-based). */
export const enum TxnField {
  Index,
  OpenedBy,
  RequestSeq,
  DialogIndex,
  FirstResponseSeq,
  LastResponseSeq,
  FinalResponseSeq,
  InviteIndex,
  CancelIndex,
  AckIndex,
  /** Next row + 1 of the same call (0 = last). */
  NextInCall,
  /** Two 26-bit halves of the key's hash (keyHash). */
  KeyHi,
  KeyLo,
  Count,
}

class Block {
  readonly ints = new Uint32Array(ROWS_PER_BLOCK * TxnField.Count);
  readonly flags = new Uint8Array(ROWS_PER_BLOCK);
  readonly method = new Uint16Array(ROWS_PER_BLOCK);
}

export class TxnColumns {
  private readonly blocks: Block[] = [];
  private rows = 0;
  private readonly methodIds = new Map<string, number>();
  private readonly methods: string[] = [];

  /** A new row; returns its number (0-based). */
  add(index: number, keyHash: number, method: string, flags: number, openedBy: number): number {
    const row = this.rows++;
    if ((row & MASK) === 0) this.blocks.push(new Block());
    let id = this.methodIds.get(method);
    if (id === undefined) {
      id = this.methods.length;
      this.methods.push(method);
      this.methodIds.set(method, id);
    }
    const b = this.blocks[row >>> SHIFT]!;
    b.method[row & MASK] = id;
    b.flags[row & MASK] = flags;
    const base = (row & MASK) * TxnField.Count;
    b.ints[base + TxnField.Index] = index;
    b.ints[base + TxnField.OpenedBy] = openedBy;
    b.ints[base + TxnField.KeyHi] = Math.floor(keyHash / KEY_HALF);
    b.ints[base + TxnField.KeyLo] = keyHash % KEY_HALF;
    return row;
  }

  get(row: number, f: TxnField): number {
    return this.blocks[row >>> SHIFT]!.ints[(row & MASK) * TxnField.Count + f]!;
  }
  set(row: number, f: TxnField, v: number): void {
    this.blocks[row >>> SHIFT]!.ints[(row & MASK) * TxnField.Count + f] = v;
  }
  hasFlag(row: number, flag: number): boolean {
    return (this.blocks[row >>> SHIFT]!.flags[row & MASK]! & flag) !== 0;
  }
  setFlag(row: number, flag: number, on: boolean): void {
    const b = this.blocks[row >>> SHIFT]!;
    const i = row & MASK;
    b.flags[i] = on ? b.flags[i]! | flag : b.flags[i]! & ~flag;
  }
  /** The key hash of a row (see keyHash). */
  keyHash(row: number): number {
    const b = this.blocks[row >>> SHIFT]!.ints;
    const base = (row & MASK) * TxnField.Count;
    return b[base + TxnField.KeyHi]! * KEY_HALF + b[base + TxnField.KeyLo]!;
  }
  method(row: number): string {
    return this.methods[this.blocks[row >>> SHIFT]!.method[row & MASK]!]!;
  }
}
