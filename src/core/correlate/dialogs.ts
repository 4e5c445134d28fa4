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

/** What a dialog reads its transactions and message count from (the call's message rows). */
export interface DialogContentsSource {
  /** Transactions with messages in the dialog, in order of their first such message. */
  dialogTransactions(dialogIndex: number): number[];
  dialogMessageCount(dialogIndex: number): number;
}

export class DialogImpl implements DialogRecord {
  toTag?: string;
  forkOf?: number;
  state: DialogState;
  /** Waiting for a To tag under its From tag (the newest such dialog per From tag). */
  pending = false;

  constructor(
    readonly index: number,
    readonly fromTag: string,
    readonly method: string,
    /** Transaction that formed the dialog (0 when formed mid-dialog by an unknown request). */
    readonly creatorTransaction: number,
    state: DialogState,
    /**
     * Every message row holds its dialog and transaction: a dialog's transaction list and
     * message count are read from the rows when asked for, not kept (an array per dialog was
     * ~12 MB on a 1 GB capture, and nothing reads it while loading).
     */
    private readonly contents: DialogContentsSource,
  ) {
    this.state = state;
  }

  get transactionIndices(): readonly number[] {
    return this.contents.dialogTransactions(this.index);
  }
  get messageCount(): number {
    return this.contents.dialogMessageCount(this.index);
  }

  clearPending(): void {
    this.pending = false;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** Dialogs per call found by scanning; above this a tag-pair index is built. */
export const DIALOG_SCAN_LIMIT = 16;

/**
 * Memory: a call's dialogs are its base class (CallImpl extends DialogTable) rather than an
 * object of their own: one object fewer per call. Hence the `dialog` prefix on every member.
 */
export abstract class DialogTable implements DialogContentsSource {
  protected dialogList: DialogImpl[] = [];
  /** Tag pair → dialog, made only for calls with many dialogs (most have one or two). */
  private dialogByPairIndex: Map<string, DialogImpl> | undefined = undefined;

  /**
   * The call's own copy of a tag when it is the same text (each message parses its own string:
   * a dialog keeping the one of the message that formed it would hold a second copy).
   */
  protected abstract sameTag(tag: string): string;

  private createDialog(fromTag: string, toTag: string | undefined, method: string, creator: number, state: DialogState): DialogImpl {
    const d = new DialogImpl(this.dialogList.length + 1, this.sameTag(fromTag), method, creator, state, this);
    // exact-size while short (a pushed array reserves 17 slots; most calls have one dialog)
    if (this.dialogList.length < DIALOG_SCAN_LIMIT) this.dialogList = this.dialogList.concat(d);
    else this.dialogList.push(d);
    if (toTag === undefined) {
      this.pendingDialogFor(fromTag)?.clearPending();
      d.pending = true;
    } else {
      d.toTag = toTag;
      this.indexDialogPair(d);
    }
    return d;
  }

  abstract dialogTransactions(dialogIndex: number): number[];
  abstract dialogMessageCount(dialogIndex: number): number;

  private confirmPendingDialog(d: DialogImpl, toTag: string): void {
    this.pendingDialogFor(d.fromTag)?.clearPending();
    d.toTag = toTag;
    this.indexDialogPair(d);
  }

  private indexDialogPair(d: DialogImpl): void {
    if (this.dialogByPairIndex !== undefined) this.dialogByPairIndex.set(pairKey(d.fromTag, d.toTag!), d);
    else if (this.dialogList.length > DIALOG_SCAN_LIMIT) {
      this.dialogByPairIndex = new Map();
      for (const x of this.dialogList) if (x.toTag !== undefined) this.dialogByPairIndex.set(pairKey(x.fromTag, x.toTag), x);
    }
  }

  /** The dialog with this (unordered) tag pair; a later dialog of the same pair wins, as a map would. */
  private dialogByPair(a: string, b: string): DialogImpl | undefined {
    if (this.dialogByPairIndex !== undefined) return this.dialogByPairIndex.get(pairKey(a, b));
    for (let i = this.dialogList.length - 1; i >= 0; i--) {
      const d = this.dialogList[i]!;
      if (d.toTag !== undefined && ((d.fromTag === a && d.toTag === b) || (d.fromTag === b && d.toTag === a))) return d;
    }
    return undefined;
  }

  /** The pending dialog waiting under this From tag. */
  private pendingDialogFor(fromTag: string): DialogImpl | undefined {
    for (let i = this.dialogList.length - 1; i >= 0; i--) {
      const d = this.dialogList[i]!;
      if (d.pending && d.fromTag === fromTag) return d;
    }
    return undefined;
  }

  protected dialogAt(index: number): DialogImpl | undefined {
    return this.dialogList[index - 1];
  }

  /**
   * Dialog of a request. `txn` is its transaction (already holding a dialog when the request
   * is a resend or arrived after its responses); `invite` is the INVITE a CANCEL/ACK belongs to.
   */
  protected dialogForRequest(msg: SipMessage, txn: TransactionImpl, invite: TransactionImpl | undefined): DialogImpl {
    const known = this.dialogAt(txn.dialogIndex);
    if (known !== undefined) return known;
    const from = msg.fromTag ?? '';
    const to = msg.toTag;
    if (to !== undefined && to !== '') {
      const d = this.dialogByPair(from, to);
      if (d !== undefined) return d;
      // The response that gave this tag was not captured: complete the pending dialog.
      const pending = this.pendingDialogFor(from) ?? this.pendingDialogFor(to);
      if (pending !== undefined) {
        this.confirmPendingDialog(pending, pending.fromTag === from ? to : from);
        return pending;
      }
      // In-dialog request of a dialog formed before the capture started.
      return this.createDialog(from, to, txn.method, 0, 'confirmed');
    }
    const inviteDialog = invite !== undefined ? this.dialogAt(invite.dialogIndex) : undefined;
    if (inviteDialog !== undefined) return inviteDialog;
    const pending = this.pendingDialogFor(from);
    if (pending !== undefined) return pending;
    return this.createDialog(from, undefined, txn.method, txn.index, isDialogCreating(txn.method) ? 'init' : 'none');
  }

  /** Dialog of a response: by tag pair, else its transaction's pending dialog, else a sibling (fork). */
  protected dialogForResponse(msg: SipMessage, txn: TransactionImpl): DialogImpl {
    const from = msg.fromTag ?? '';
    const to = msg.toTag;
    const own = this.dialogAt(txn.dialogIndex);
    if (to === undefined || to === '') {
      if (own !== undefined) return own;
      return this.pendingDialogFor(from) ?? this.createDialog(from, undefined, txn.method, txn.index, this.initialDialogState(txn));
    }
    const d = this.dialogByPair(from, to);
    if (d !== undefined) return d;
    if (own !== undefined && own.toTag === undefined) {
      this.confirmPendingDialog(own, to);
      return own;
    }
    const sibling = this.createDialog(from, to, own?.method ?? txn.method, txn.index, this.initialDialogState(txn));
    if (own !== undefined) sibling.forkOf = own.forkOf ?? own.index;
    return sibling;
  }

  private initialDialogState(txn: TransactionImpl): DialogState {
    if (!isDialogCreating(txn.method)) return 'none';
    return txn.initial ? 'init' : 'confirmed';
  }

  /** RFC 3261 §12.1 / §13.2.2.4: dialog state after a response of its forming transaction. */
  protected dialogOnResponse(d: DialogImpl, txn: TransactionImpl, code: number, hasToTag: boolean): void {
    if (d.state === 'none' || !txn.initial || !isDialogCreating(txn.method)) return;
    if (code >= 101 && code < 200) {
      if (d.state === 'init' && hasToTag) d.state = 'early';
    } else if (code >= 200 && code < 300) {
      if (d.state === 'init' || d.state === 'early') d.state = 'confirmed';
    } else if (code >= 300) {
      // A failure final ends this dialog and every early dialog of the transaction (§13.2.2.3).
      if (d.state === 'init' || d.state === 'early') d.state = 'terminated';
      for (const x of this.dialogList) {
        if (x.creatorTransaction === txn.index && (x.state === 'init' || x.state === 'early')) x.state = 'terminated';
      }
    }
  }

  /** BYE ends its dialog (§15). */
  protected dialogOnRequest(d: DialogImpl, method: string): void {
    if (method === 'BYE' && d.state !== 'none') d.state = 'terminated';
  }
}
