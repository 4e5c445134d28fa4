/**
 * Save from the UI (F2): the chosen calls in any format of the save screen, each written by
 * the module that owns it: packets by io/save-capture.ts (a second read of the capture, so
 * nothing is held in memory for it), calls by export/calls-json.ts and calls-table.ts, flows
 * by export/text-ladder.ts, markdown.ts, mermaid.ts and html.ts over the shared ladder layout.
 * Every failure comes back as a message for the dialog; nothing here throws.
 */
import { fsErrorText } from '../io/fs-errors.js';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sdpOfMessage } from '../core/sdp/index.js';
import type { CallStore } from '../core/store/call-store.js';
import { writeCallsJson } from '../export/calls-json.js';
import { renderCallsCsv } from '../export/calls-table.js';
import { renderHtml } from '../export/html.js';
import { renderMarkdown } from '../export/markdown.js';
import { renderMermaid } from '../export/mermaid.js';
import { renderTextLadder } from '../export/text-ladder.js';
import { callPacketFilter } from '../io/call-packets.js';
import { saveSelectedPackets } from '../io/save-capture.js';
import { layoutLadder, type LadderLayout } from '../view/ladder.js';
import type { SaveFormatId } from './save-formats.js';

/** A ladder of more calls than this is no bug report: the flow formats ask for fewer. */
export const FLOW_EXPORT_MAX_CALLS = 500;

export interface SaveJob {
  /** The capture file the calls were read from (packets are copied from it). */
  readonly input: string;
  readonly output: string;
  readonly format: SaveFormatId;
  readonly calls: readonly number[];
  readonly store: CallStore;
  readonly linkTypes: ReadonlySet<number>;
  /** Address aliases for the ladder formats. */
  readonly aliases?: ReadonlyMap<string, string>;
}


/** Writes text pieces to a temporary file renamed over `output`: a failed save leaves no half file. */
function writeText(output: string, produce: (write: (s: string) => void) => void): void {
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw new Error(`${output}: cannot write: ${fsErrorText(err, 'no such directory')}`);
  }
  try {
    produce((s) => {
      writeSync(fd, s);
    });
    closeSync(fd);
    renameSync(tmp, output);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw new Error(`${output}: cannot write: ${fsErrorText(err, 'no such directory')}`);
  }
}

function ladderOf(job: SaveJob): LadderLayout {
  const calls = job.calls.flatMap((id) => job.store.call(id) ?? []);
  const streams = job.calls.flatMap((id) => [...job.store.streams(id)]);
  // the layout `siptrace flow` draws (RTP arrows on, SDP codecs on the labels)
  return layoutLadder({ calls, streams, showRtp: true, sdpLabel: (m) => sdpOfMessage(m)?.label, ...(job.aliases ? { aliases: job.aliases } : {}) });
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Writes the file; resolves to `{ message }` on success or `{ error }` (never rejects). */
export async function saveCalls(job: SaveJob): Promise<{ message: string } | { error: string }> {
  const n = job.calls.length;
  if (n === 0) return { error: 'no calls to save' };
  try {
    switch (job.format) {
      case 'pcap':
      case 'pcap-rtp': {
        const format = /\.pcapng$/i.test(job.output) ? 'pcapng' : undefined;
        const select = callPacketFilter(job.store, job.calls, job.format === 'pcap-rtp');
        const r = await saveSelectedPackets(job.input, job.output, select, job.linkTypes, format);
        return { message: `saved ${plural(r.written, 'packet')} of ${plural(n, 'call')} to ${job.output} (${r.format}${job.format === 'pcap-rtp' ? ', SIP + RTP' : ''})` };
      }
      case 'calls-json': {
        const calls = job.calls.flatMap((id) => job.store.call(id) ?? []);
        const streams = job.calls.flatMap((id) => [...job.store.streams(id)]);
        writeText(job.output, (write) => writeCallsJson(calls, { streams }, write));
        return { message: `saved ${plural(n, 'call')} to ${job.output} (calls JSON)` };
      }
      case 'calls-csv': {
        const rows = job.calls.flatMap((id) => job.store.row(id) ?? []);
        writeText(job.output, (write) => write(renderCallsCsv(rows)));
        return { message: `saved ${plural(n, 'call')} to ${job.output} (calls CSV)` };
      }
      default:
        break;
    }
    if (n > FLOW_EXPORT_MAX_CALLS) return { error: `a flow of ${n} calls is too large (at most ${FLOW_EXPORT_MAX_CALLS}): select or filter fewer calls` };
    const layout = ladderOf(job);
    const first = job.store.call(job.calls[0]!);
    const text =
      job.format === 'text'
        ? renderTextLadder(layout, { raw: true })
        : job.format === 'markdown'
          ? renderMarkdown(layout, { mermaid: true })
          : job.format === 'mermaid'
            ? renderMermaid(layout)
            : renderHtml(layout, { title: `siptrace: ${n === 1 && first !== undefined ? first.callId : `${n} calls`}` });
    writeText(job.output, (write) => write(text.endsWith('\n') ? text : text + '\n'));
    return { message: `saved the flow of ${plural(n, 'call')} to ${job.output} (${job.format === 'text' ? 'text ladder + messages' : job.format})` };
  } catch (err) {
    return { error: `save failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Writes the SIP packets of the calls (the F2 default); resolves to the one-line status. */
export async function saveCallsToFile(input: string, output: string, store: CallStore, calls: readonly number[], linkTypes: ReadonlySet<number>): Promise<string> {
  const r = await saveCalls({ input, output, format: 'pcap', calls, store, linkTypes });
  return 'message' in r ? r.message : r.error;
}
