/**
 * Deadlines on packet time (never wall time): transaction timeouts fire when a later packet
 * shows that 64*T1 has passed. Kept sorted by insertion from the end, which is O(1) when
 * packets arrive in time order and still correct when they do not.
 */
export interface Deadline<T> {
  readonly atMs: number;
  readonly item: T;
}

export class DeadlineQueue<T> {
  private items: Deadline<T>[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(atMs: number, item: T): void {
    let i = this.items.length;
    while (i > this.head && this.items[i - 1]!.atMs > atMs) i--;
    if (i === this.items.length) this.items.push({ atMs, item });
    else this.items.splice(i, 0, { atMs, item });
  }

  /** Removes and returns every item due at or before nowMs, earliest first. */
  popDue(nowMs: number): T[] {
    const due: T[] = [];
    while (this.head < this.items.length && this.items[this.head]!.atMs <= nowMs) due.push(this.items[this.head++]!.item);
    // compact once the consumed prefix dominates, so memory follows the live deadlines only
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return due;
  }

  /** Removes and returns everything (end of input). */
  drain(): T[] {
    const all = this.items.slice(this.head).map((d) => d.item);
    this.items = [];
    this.head = 0;
    return all;
  }
}
