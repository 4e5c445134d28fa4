/**
 * Deadlines on packet time (never wall time): transaction timeouts fire when a later packet
 * shows that 64*T1 has passed. Kept sorted by insertion from the end, which is O(1) when
 * packets arrive in time order and still correct when they do not.
 *
 * Each deadline holds two unsigned 32-bit numbers (a call index and a transaction row) in
 * typed columns, not an object: a 1 GB capture schedules ~650,000 timeouts that each live
 * 32 s of capture time, long enough to be promoted to the old generation, where as objects
 * they were a third of the garbage the heap grew by between major collections.
 */
const INITIAL_CAPACITY = 1024;

export class DeadlineQueue {
  private atMs = new Float64Array(INITIAL_CAPACITY);
  private first = new Uint32Array(INITIAL_CAPACITY);
  private second = new Uint32Array(INITIAL_CAPACITY);
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  push(atMs: number, a: number, b: number): void {
    if (this.tail === this.atMs.length) this.makeRoom();
    let i = this.tail;
    while (i > this.head && this.atMs[i - 1]! > atMs) i--;
    if (i < this.tail) {
      this.atMs.copyWithin(i + 1, i, this.tail);
      this.first.copyWithin(i + 1, i, this.tail);
      this.second.copyWithin(i + 1, i, this.tail);
    }
    this.atMs[i] = atMs;
    this.first[i] = a;
    this.second[i] = b;
    this.tail++;
  }

  /**
   * Removes every deadline due at or before nowMs, earliest first, calling `due` with its two
   * numbers (no array per call). `due` must not push.
   */
  popDue(nowMs: number, due: (a: number, b: number) => void): void {
    while (this.head < this.tail && this.atMs[this.head]! <= nowMs) {
      const i = this.head++;
      due(this.first[i]!, this.second[i]!);
    }
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** Removes everything (end of input), calling `each` earliest first when given. */
  drain(each?: (a: number, b: number) => void): void {
    if (each !== undefined) for (let i = this.head; i < this.tail; i++) each(this.first[i]!, this.second[i]!);
    this.head = this.tail = 0;
  }

  /** Full: slide the live deadlines to the front when that frees half, else double the columns. */
  private makeRoom(): void {
    const live = this.tail - this.head;
    if (this.head * 2 >= this.atMs.length) {
      this.atMs.copyWithin(0, this.head, this.tail);
      this.first.copyWithin(0, this.head, this.tail);
      this.second.copyWithin(0, this.head, this.tail);
    } else {
      const size = this.atMs.length * 2;
      this.atMs = grown(new Float64Array(size), this.atMs, this.head, this.tail);
      this.first = grown(new Uint32Array(size), this.first, this.head, this.tail);
      this.second = grown(new Uint32Array(size), this.second, this.head, this.tail);
    }
    this.head = 0;
    this.tail = live;
  }
}

function grown<T extends Float64Array | Uint32Array>(to: T, from: T, start: number, end: number): T {
  to.set(from.subarray(start, end));
  return to;
}
