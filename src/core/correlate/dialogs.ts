/**
 * Dialogs of one call, keyed by the unordered pair of tags (RFC 3261 §12: Call-ID + local tag
 * + remote tag; the call scopes the Call-ID, and the pair is unordered because the callee's
 * requests carry the tags swapped). A dialog-forming request has no To tag yet: it waits as
 * "pending" under its From tag until a response brings one; responses with other To tags
 * create sibling early dialogs (forking, §13.2.2.4 / §12.1.2).
 */
import type { SipMessage } from '../sip/types.js';
import { isDialogCreating, type DialogState } from './call-state.js';
import type { TransactionImpl } from './transactions.js';
import type { DialogRecord } from './types.js';

export class DialogImpl implements DialogRecord {
  toTag?: string;
  forkOf?: number;
  state: DialogState;
  transactionIndices: readonly number[] = [];
  messageCount = 0;
  /** Waiting for a To tag under its From tag (the newest such dialog per From tag). */
  pending = false;

  constructor(
    readonly index: number,
    readonly fromTag: string,
    readonly method: string,
    /** Transaction that formed the dialog (0 when formed mid-dialog by an unknown request). */
    readonly creatorTransaction: number,
    state: DialogState,
  ) {
    this.state = state;
  }

  clearPending(): void {
    this.pending = false;
  }

  /** Records that a transaction has messages in this dialog (forks share one transaction). */
  touch(txnIndex: number): void {
    const t = this.transactionIndices;
    // copy on append: exact size (a pushed array reserves 17 slots)
    if (t.length === 0 || (t[t.length - 1] !== txnIndex && !t.includes(txnIndex))) this.transactionIndices = t.concat(txnIndex);
    this.messageCount++;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** Dialogs per call found by scanning; above this a tag-pair index is built. */
export const DIALOG_SCAN_LIMIT = 16;

export class DialogTable {
  list: DialogImpl[] = [];
  /** Tag pair → dialog, made only for calls with many dialogs (most have one or two). */
  private byPairIndex?: Map<string, DialogImpl>;

  private create(fromTag: string, toTag: string | undefined, method: string, creator: number, state: DialogState): DialogImpl {
    const d = new DialogImpl(this.list.length + 1, fromTag, method, creator, state);
    // exact-size while short (a pushed array reserves 17 slots; most calls have one dialog)
    if (this.list.length < DIALOG_SCAN_LIMIT) this.list = this.list.concat(d);
    else this.list.push(d);
    if (toTag === undefined) {
      this.pendingFor(fromTag)?.clearPending();
      d.pending = true;
    } else {
      d.toTag = toTag;
      this.indexPair(d);
    }
    return d;
  }

  private confirmPending(d: DialogImpl, toTag: string): void {
    this.pendingFor(d.fromTag)?.clearPending();
    d.toTag = toTag;
    this.indexPair(d);
  }

  private indexPair(d: DialogImpl): void {
    if (this.byPairIndex !== undefined) this.byPairIndex.set(pairKey(d.fromTag, d.toTag!), d);
    else if (this.list.length > DIALOG_SCAN_LIMIT) {
      this.byPairIndex = new Map();
      for (const x of this.list) if (x.toTag !== undefined) this.byPairIndex.set(pairKey(x.fromTag, x.toTag), x);
    }
  }

  /** The dialog with this (unordered) tag pair; a later dialog of the same pair wins, as a map would. */
  private byPair(a: string, b: string): DialogImpl | undefined {
    if (this.byPairIndex !== undefined) return this.byPairIndex.get(pairKey(a, b));
    for (let i = this.list.length - 1; i >= 0; i--) {
      const d = this.list[i]!;
      if (d.toTag !== undefined && ((d.fromTag === a && d.toTag === b) || (d.fromTag === b && d.toTag === a))) return d;
    }
    return undefined;
  }

  /** The pending dialog waiting under this From tag. */
  private pendingFor(fromTag: string): DialogImpl | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const d = this.list[i]!;
      if (d.pending && d.fromTag === fromTag) return d;
    }
    return undefined;
  }

  get(index: number): DialogImpl | undefined {
    return this.list[index - 1];
  }

  /**
   * Dialog of a request. `txn` is its transaction (already holding a dialog when the request
   * is a resend or arrived after its responses); `invite` is the INVITE a CANCEL/ACK belongs to.
   */
  forRequest(msg: SipMessage, txn: TransactionImpl, invite: TransactionImpl | undefined): DialogImpl {
    const known = this.get(txn.dialogIndex);
    if (known !== undefined) return known;
    const from = msg.fromTag ?? '';
    const to = msg.toTag;
    if (to !== undefined && to !== '') {
      const d = this.byPair(from, to);
      if (d !== undefined) return d;
      // The response that gave this tag was not captured: complete the pending dialog.
      const pending = this.pendingFor(from) ?? this.pendingFor(to);
      if (pending !== undefined) {
        this.confirmPending(pending, pending.fromTag === from ? to : from);
        return pending;
      }
      // In-dialog request of a dialog formed before the capture started.
      return this.create(from, to, txn.method, 0, 'confirmed');
    }
    const inviteDialog = invite !== undefined ? this.get(invite.dialogIndex) : undefined;
    if (inviteDialog !== undefined) return inviteDialog;
    const pending = this.pendingFor(from);
    if (pending !== undefined) return pending;
    return this.create(from, undefined, txn.method, txn.index, isDialogCreating(txn.method) ? 'init' : 'none');
  }

  /** Dialog of a response: by tag pair, else its transaction's pending dialog, else a sibling (fork). */
  forResponse(msg: SipMessage, txn: TransactionImpl): DialogImpl {
    const from = msg.fromTag ?? '';
    const to = msg.toTag;
    const own = this.get(txn.dialogIndex);
    if (to === undefined || to === '') {
      if (own !== undefined) return own;
      return this.pendingFor(from) ?? this.create(from, undefined, txn.method, txn.index, this.initialState(txn));
    }
    const d = this.byPair(from, to);
    if (d !== undefined) return d;
    if (own !== undefined && own.toTag === undefined) {
      this.confirmPending(own, to);
      return own;
    }
    const sibling = this.create(from, to, own?.method ?? txn.method, txn.index, this.initialState(txn));
    if (own !== undefined) sibling.forkOf = own.forkOf ?? own.index;
    return sibling;
  }

  private initialState(txn: TransactionImpl): DialogState {
    if (!isDialogCreating(txn.method)) return 'none';
    return txn.initial ? 'init' : 'confirmed';
  }

  /** RFC 3261 §12.1 / §13.2.2.4: dialog state after a response of its forming transaction. */
  onResponse(d: DialogImpl, txn: TransactionImpl, code: number, hasToTag: boolean): void {
    if (d.state === 'none' || !txn.initial || !isDialogCreating(txn.method)) return;
    if (code >= 101 && code < 200) {
      if (d.state === 'init' && hasToTag) d.state = 'early';
    } else if (code >= 200 && code < 300) {
      if (d.state === 'init' || d.state === 'early') d.state = 'confirmed';
    } else if (code >= 300) {
      // A failure final ends this dialog and every early dialog of the transaction (§13.2.2.3).
      if (d.state === 'init' || d.state === 'early') d.state = 'terminated';
      for (const x of this.list) {
        if (x.creatorTransaction === txn.index && (x.state === 'init' || x.state === 'early')) x.state = 'terminated';
      }
    }
  }

  /** BYE ends its dialog (§15). */
  onRequest(d: DialogImpl, method: string): void {
    if (method === 'BYE' && d.state !== 'none') d.state = 'terminated';
  }
}
