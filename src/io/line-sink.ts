/**
 * Buffered line output with back-pressure: lines are joined into ~64 KiB writes, and the
 * producer awaits `drain` when the stream is full, so printing a million rows neither floods
 * memory nor costs a syscall per line.
 */
import type { Writable } from 'node:stream';

const FLUSH_AT_CHARS = 64 * 1024;

export class LineSink {
  private buffered: string[] = [];
  private size = 0;
  /** While the stream is full: resolves at its next 'drain' (one listener, however many flushes wait). */
  private drained: Promise<void> | undefined;

  constructor(private readonly out: Writable) {}

  /** Queues one line (a newline is added). Returns a promise only when the caller must wait. */
  line(text: string): Promise<void> | undefined {
    this.buffered.push(text);
    this.size += text.length + 1;
    if (this.size >= FLUSH_AT_CHARS) return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.buffered.length === 0) return undefined;
    const chunk = this.buffered.join('\n') + '\n';
    this.buffered = [];
    this.size = 0;
    if (this.out.write(chunk)) return this.drained;
    this.drained ??= new Promise<void>((resolve) =>
      this.out.once('drain', () => {
        this.drained = undefined;
        resolve();
      }),
    );
    return this.drained;
  }

  /** Flushes what is left and waits until the stream has taken it. */
  async close(): Promise<void> {
    await this.flush();
  }
}
