/**
 * Values by call index. Call indexes are dense (first-seen order from 1), so a call's entry is
 * one array slot (8 bytes) instead of a Map entry (~40 bytes with its hash-table share): this
 * matters at 10^5 calls. Indexes that do not fit the window (far ahead, before the trimmed
 * start, not an integer) go to a Map, so any number works.
 *
 * A live capture forgets its oldest calls: the leading empty slots are trimmed once they are
 * the larger part of the array, so the window follows the live calls.
 */

/** Empty slots a new index may skip before it goes to the Map instead (a corrupt or odd index). */
export const MAX_CALL_SLOT_GAP = 65_536;
/** Leading empty slots tolerated before a trim (amortises the copy). */
const TRIM_MIN = 1024;

export class CallSlots<T> {
  private slots: (T | undefined)[] = [];
  /** Call index of slots[0]. */
  private base = 0;
  /** slots[0..front) are empty. */
  private front = 0;
  private readonly odd = new Map<number, T>();

  get(index: number): T | undefined {
    const k = index - this.base;
    const v = k >= 0 && k < this.slots.length ? this.slots[k] : undefined;
    if (v !== undefined || this.odd.size === 0) return v;
    return this.odd.get(index);
  }

  set(index: number, value: T): void {
    if (this.odd.size > 0 && this.odd.has(index)) {
      this.odd.set(index, value);
      return;
    }
    if (this.slots.length === 0 && Number.isSafeInteger(index)) this.base = index;
    const k = index - this.base;
    if (!Number.isSafeInteger(index) || k < 0 || k >= this.slots.length + MAX_CALL_SLOT_GAP) {
      this.odd.set(index, value);
      return;
    }
    while (this.slots.length < k) this.slots.push(undefined);
    this.slots[k] = value;
    if (k < this.front) this.front = k;
  }

  delete(index: number): void {
    const k = index - this.base;
    if (k >= 0 && k < this.slots.length && this.slots[k] !== undefined) {
      this.slots[k] = undefined;
      if (k === this.front) this.trim();
      return;
    }
    this.odd.delete(index);
  }

  /** The first slot may have emptied: move `front` past the empty run, drop it once it dominates. */
  private trim(): void {
    const slots = this.slots;
    let front = this.front;
    while (front < slots.length && slots[front] === undefined) front++;
    if (front === slots.length) {
      this.slots = [];
      this.base = 0;
      this.front = 0;
      return;
    }
    if (front >= TRIM_MIN && front * 2 >= slots.length) {
      this.slots = slots.slice(front);
      this.base += front;
      front = 0;
    }
    this.front = front;
  }
}
