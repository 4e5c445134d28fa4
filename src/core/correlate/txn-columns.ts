/**
 * Every transaction of every call as one row of typed columns (~60 bytes a row plus its key
 * string), so a 1 GB capture's million transactions do not each cost an object with twenty
 * fields and two arrays. TransactionImpl (transactions.ts) is a view of a row.
 */

/** Rows per column block (allocated whole: growth never copies old rows). */
const ROWS_PER_BLOCK = 8192;
const SHIFT = 13;
const MASK = ROWS_PER_BLOCK - 1;

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
  /** Lookup key per row (holds the branch; see transactions.ts). */
  private readonly keys: string[] = [];
  private readonly methodIds = new Map<string, number>();
  private readonly methods: string[] = [];

  /** A new row; returns its number (0-based). */
  add(index: number, key: string, method: string, flags: number, openedBy: number): number {
    const row = this.rows++;
    if ((row & MASK) === 0) this.blocks.push(new Block());
    this.keys.push(key);
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
  key(row: number): string {
    return this.keys[row]!;
  }
  method(row: number): string {
    return this.methods[this.blocks[row >>> SHIFT]!.method[row & MASK]!]!;
  }
}
