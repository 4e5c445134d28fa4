/** What every screen renders from besides the UI state: the store and the load's progress. */
import type { CallStore } from '../../core/store/call-store.js';

export interface LoadInfo {
  bytesRead: number;
  totalBytes: number | undefined;
  done: boolean;
  /**
   * Calls and messages shown (counted by the app at its last refresh, so the header and the
   * statistics need no walk over the whole store). Unset: the store's stats() are read.
   */
  calls?: number;
  messages?: number;
  /** Set when the load failed part-way (what was read stays shown). */
  error?: string;
}

export interface ScreenContext {
  readonly store: CallStore;
  /** Input name shown in the header (file path, sanitised by the header). */
  readonly input: string;
  readonly load?: LoadInfo;
  /** One-line message for the footer (results of save, errors). */
  readonly status?: string;
  /** Address (`ip:port`, `[v6]:port`) or host → name, from the config file. */
  readonly aliases?: ReadonlyMap<string, string>;
  /** The config file the column and settings screens save to. */
  readonly configPath?: string;
}
